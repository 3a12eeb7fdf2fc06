#include "support/keyserver_process.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "support/files.hpp"
#include "support/service_process.hpp"
#include "support/tied_process.hpp"

namespace eenplan::testing {
namespace {

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// The port in the key server's "keyserver.listening" line, read without std::regex.
int listening_port(const std::string& log) {
    const std::string marker = R"("event":"keyserver.listening","port":")";
    const auto at = log.rfind(marker);
    if (at == std::string::npos) return 0;
    return std::atoi(log.c_str() + at + marker.size());
}

}  // namespace

std::string keyserver_binary() {
    const char* path = std::getenv("EENPLAN_KEYSERVER_BINARY");
    if (path == nullptr) throw std::runtime_error("EENPLAN_KEYSERVER_BINARY is not set: run the tests through ctest");
    return path;
}

KeyServerProcess::KeyServerProcess(const std::filesystem::path& dir) : dir_(dir) {
    const std::string keys = "'" + keys_binary() + "' ";
    const auto at = [&](const std::string& name) { return "'" + (dir_ / name).string() + "'"; };
    public_key_ = trimmed(run_command(keys + "generate " + at("master.yaml")));
    write_secret_file(dir_ / "hub-recipient.key", run_command(keys + "recipient-key " + at("master.yaml") + " hub"));
    run_command(keys + "ca " + at("clients-ca.key") + " " + at("clients-ca.crt") + " 'CN=eenplan test clients CA'");
    for (const std::string name : {"hub", "org-a", "stranger"}) {
        run_command(keys + "client-certificate " + at("clients-ca.key") + " " + at("clients-ca.crt") + " 'CN=" + name +
                    ",O=eenplan test' " + at(name + ".key") + " " + at(name + ".crt"));
    }
    run_command(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        at("keyserver-tls.key") + " -out " + at("keyserver-tls.crt") + " 2>/dev/null");
    make_private(dir_ / "keyserver-tls.key");
    start();
}

KeyServerProcess::~KeyServerProcess() {
    try {
        stop();
    } catch (...) {
    }
}

void KeyServerProcess::write_config() const {
    write_file(dir_ / "keyserver.yaml",
               "listen:\n  address: 127.0.0.1\n  threads: 2\n  port: " + std::to_string(port_) +
                   "\n  tls: {certificate: keyserver-tls.crt, private_key: keyserver-tls.key, "
                   "client_ca_file: clients-ca.crt" +
                   (crl_.empty() ? std::string() : ", client_crl_file: " + crl_) +
                   "}\n"
                   "master_key_file: master.yaml\nmax_batch: 100\n" +
                   (key_versions_.empty() ? std::string() : "key_versions: " + key_versions_ + "\n") +
                   "clients:\n"
                   "  - {id: hub, certificate: {subject: \"CN=hub,O=eenplan test\"}, domains: [hub, \"org:org-a\", "
                   "\"org:org-b\"],"
                   " rate_limit: {enabled: false}, metrics: true}\n"
                   "  - {id: org-a, certificate: {subject: \"CN=org-a,O=eenplan test\"}, domains: [\"org:org-a\"],"
                   " rate_limit: {per_second: 1, burst: 3}}\n"
                   "logging: {level: information, file: keyserver.log}\n");
}

void KeyServerProcess::start() {
    write_config();
    const auto before = log_text().size();
    process_ = std::make_unique<Poco::ProcessHandle>(
        launch_tied(keyserver_binary(), {"--config", (dir_ / "keyserver.yaml").string()}, dir_.string()));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string log = log_text();
        if (log.size() > before) {
            if (const int port = listening_port(log.substr(before)); port != 0) {
                port_ = port;
                return;
            }
        }
        if (!Poco::Process::isRunning(*process_)) throw std::runtime_error("eenplan-keyserver exited during start-up");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("eenplan-keyserver did not start listening within 30 s");
}

void KeyServerProcess::stop() {
    if (!process_) return;
    if (Poco::Process::isRunning(*process_)) Poco::Process::requestTermination(process_->id());
    process_->wait();
    process_.reset();
}

std::string KeyServerProcess::log_text() const {
    return std::filesystem::exists(dir_ / "keyserver.log") ? read_file(dir_ / "keyserver.log") : std::string();
}

std::string KeyServerProcess::hub_keys_yaml() const {
    return "  keyserver:\n    url: " + url() + "\n    public_key: \"" + public_key_ +
           "\"\n    recipient_key_file: " + (dir_ / "hub-recipient.key").string() +
           "\n    client_certificate_file: " + (dir_ / "hub.crt").string() +
           "\n    client_key_file: " + (dir_ / "hub.key").string() +
           "\n    ca_file: " + (dir_ / "keyserver-tls.crt").string() + "\n    timeout_ms: 2000\n    connections: 2\n";
}

}  // namespace eenplan::testing

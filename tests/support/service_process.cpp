#include "support/files.hpp"
#include "support/service_process.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <sys/wait.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "support/tied_process.hpp"

namespace eenplan::testing {
std::string run_command(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
    std::string out;
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    if (pclose(pipe) != 0) throw std::runtime_error("failed: " + command);
    return out;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "eenplan-test.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

Bytes TestSource::secret_bytes(std::size_t i) const { return webhooks::parse_secret(secrets.at(i)).value(); }

const TestSource& school_a() {
    static const TestSource source{"school-a", {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}};
    return source;
}

const TestSource& school_b() {
    static const TestSource source{"school-b", {"whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"}};
    return source;
}

std::string keys_binary() {
    const char* path = std::getenv("EENPLAN_KEYS_BINARY");
    if (path == nullptr) throw std::runtime_error("EENPLAN_KEYS_BINARY is not set: run the tests through ctest");
    return path;
}

std::string service_binary() {
    const char* path = std::getenv("EENPLAN_SERVICE_BINARY");
    if (path == nullptr) throw std::runtime_error("EENPLAN_SERVICE_BINARY is not set: run the tests through ctest");
    return path;
}

ServiceProcess::ServiceProcess(const TestStore& store, const std::filesystem::path& dir, ServiceOptions options)
    : dir_(dir),
      config_file_(dir / "eenplan.yaml"),
      log_file_(dir / "service.log"),
      tls_(options.tls),
      options_(std::move(options)),
      store_backend_(store.backend()),
      store_connection_(store.connection()) {
    for (int v = 1; v <= options_.key_versions; ++v) {
        const std::string name = "hub-v" + std::to_string(v) + ".key";
        if (!options_.keys_from.empty()) {
            std::filesystem::copy_file(options_.keys_from / name, dir_ / name,
                                       std::filesystem::copy_options::overwrite_existing);
        } else {
            run_command("openssl rand -hex 32 > '" + (dir_ / name).string() + "'");
        }
        make_private(dir_ / name);
    }
    if (tls_) {
        run_command(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost "
            "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" +
            (dir_ / "tls.key").string() + "' -out '" + (dir_ / "tls.crt").string() + "' 2>/dev/null");
        make_private(dir_ / "tls.key");
    }
    if (options_.polymorphic) {
        public_key_ = run_command("'" + keys_binary() + "' generate '" + (dir_ / "master.yaml").string() + "'");
        while (!public_key_.empty() && public_key_.back() == '\n') public_key_.pop_back();
    }
    if (options_.linkage) write_secret_file(dir_ / "linkage-v1.key", std::string(test_linkage_key_hex) + "\n");
    if (options_.admin) write_secret_file(dir_ / "admin-jwt.secret", std::string(test_admin_secret) + "\n");
    if (options_.data_keys) {
        run_command("openssl rand -hex 32 > '" + (dir_ / "data-v1.key").string() + "'");
        make_private(dir_ / "data-v1.key");
    }
    write_config();
    start();
}

void ServiceProcess::write_config() const {
    std::ostringstream yaml;
    yaml << "listen:\n  address: 127.0.0.1\n  port: 0\n  threads: " << options_.threads << "\n";
    yaml << options_.listen_extra;
    if (tls_) yaml << "  tls:\n    certificate: tls.crt\n    private_key: tls.key\n" << options_.tls_extra;
    yaml << "database:\n  backend: " << store_backend_ << "\n  connection: \"" << store_connection_
         << "\"\n  pool_size: " << options_.pool_size << "\n";
    yaml << "keys:\n  pseudonym_keys:\n";
    for (int v = 1; v <= options_.key_versions; ++v) {
        yaml << "    - {version: " << v << ", file: hub-v" << v << ".key}\n";
    }
    if (options_.polymorphic) yaml << "  polymorphic_master_key: master.yaml\n";
    if (options_.linkage) yaml << "  linkage_key: {version: 1, file: linkage-v1.key}\n";
    if (options_.data_keys) yaml << "  data_keys:\n    - {version: 1, file: data-v1.key}\n";
    yaml << options_.keys_extra;
    if (options_.admin) yaml << "admin:\n  jwt_secret_file: admin-jwt.secret\n";
    yaml << "logging:\n  level: information\n  file: service.log\n";
    yaml << "sources:\n";
    for (const TestSource& source : options_.sources) {
        yaml << "  - id: " << source.id << "\n    secrets:\n";
        for (const std::string& secret : source.secrets) yaml << "      - \"" << secret << "\"\n";
        if (!source.municipality.empty()) yaml << "    municipality: " << source.municipality << "\n";
        yaml << options_.source_extra;
        yaml << source.extra;
        // Tests send as fast as they can; only a test about rate limits sets one.
        if (options_.source_extra.find("rate_limit:") == std::string::npos &&
            source.extra.find("rate_limit:") == std::string::npos) {
            yaml << "    rate_limit: {enabled: false}\n";
        }
    }
    if (options_.manual_clock || options_.default_agreement || !options_.commit_hold_file.empty()) {
        yaml << "testing:\n";
        if (options_.manual_clock) yaml << "  manual_clock: true\n";
        if (options_.default_agreement) yaml << "  default_agreement: true\n";
        if (!options_.commit_hold_file.empty()) yaml << "  commit_hold_file: " << options_.commit_hold_file << "\n";
    }
    yaml << options_.extra_config;
    write_file(config_file_, yaml.str());
}

void ServiceProcess::add_key_version() {
    ++options_.key_versions;
    run_command("openssl rand -hex 32 > '" +
                (dir_ / ("hub-v" + std::to_string(options_.key_versions) + ".key")).string() + "'");
    make_private(dir_ / ("hub-v" + std::to_string(options_.key_versions) + ".key"));
    write_config();
}

std::string ServiceProcess::polymorphic_public_key() const {
    if (public_key_.empty()) throw std::logic_error("the service was not started with polymorphic keys");
    return public_key_;
}

ServiceProcess::~ServiceProcess() {
    try {
        stop();
    } catch (...) {
    }
}

void ServiceProcess::start() {
    const auto log_size_before = std::filesystem::exists(log_file_) ? std::filesystem::file_size(log_file_) : 0;
    process_ = std::make_unique<Poco::ProcessHandle>(
        launch_tied(service_binary(), {"--config", config_file_.string()}, dir_.string()));
    static const std::regex listening(R"re("event":"service.listening","port":"(\d+)")re");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string log = log_text();
        std::smatch match;
        const std::string fresh = log.size() > log_size_before ? log.substr(log_size_before) : "";
        if (std::regex_search(fresh, match, listening)) {
            port_ = std::stoi(match[1]);
            return;
        }
        if (!Poco::Process::isRunning(*process_)) {
            throw std::runtime_error("eenplan-service exited during start-up; log:\n" + fresh);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("eenplan-service did not start listening within 30 s");
}

void ServiceProcess::stop() {
    if (!process_) return;
    if (Poco::Process::isRunning(*process_)) Poco::Process::requestTermination(process_->id());
    process_->wait();
    process_.reset();
}

void ServiceProcess::kill_hard() {
    if (!process_) return;
    ::kill(process_->id(), SIGKILL);
    process_->wait();
    process_.reset();
}

std::string ServiceProcess::base_url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string ServiceProcess::signals_url(const std::string& source_id) const {
    return base_url() + "/v1/sources/" + source_id + "/signals";
}

std::string ServiceProcess::log_text() const { return read_file(log_file_); }

std::optional<std::string> ServiceProcess::ca_file() const {
    if (!tls_) return std::nullopt;
    return (dir_ / "tls.crt").string();
}

HttpAnswer ServiceProcess::get(const std::string& path) const {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpAnswer answer{static_cast<int>(response.getStatus()), response.getContentType(), {}};
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

HttpAnswer ServiceProcess::request(const std::string& method, const std::string& path, const std::string& body,
                                   const std::string& token) const {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    if (!body.empty() || method == Poco::Net::HTTPRequest::HTTP_POST) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpAnswer answer{static_cast<int>(response.getStatus()), response.getContentType(), {}};
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

namespace {

std::int64_t now_of(const HttpAnswer& answer) {
    if (answer.status != 200)
        throw std::runtime_error("the service's test clock answered " + std::to_string(answer.status) + ": " +
                                 answer.body);
    return Poco::JSON::Parser()
               .parse(answer.body)
               .extract<Poco::JSON::Object::Ptr>()
               ->getValue<std::int64_t>("now_us") /
           1'000'000;
}

}  // namespace

std::int64_t ServiceProcess::advance_clock(int seconds) const {
    return now_of(request("POST", "/v1/test/clock", R"({"advance_seconds":)" + std::to_string(seconds) + "}"));
}

std::int64_t ServiceProcess::clock_now() const { return now_of(request("GET", "/v1/test/clock")); }

bool ServiceProcess::advance_until(const std::function<bool()>& done, int step_seconds, int max_steps) const {
    const auto poll = [&](std::chrono::milliseconds how_long) {
        const auto until = std::chrono::steady_clock::now() + how_long;
        do {
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        } while (std::chrono::steady_clock::now() < until);
        return false;
    };
    for (int step = 0; step < max_steps; ++step) {
        // What the last move made due still has to travel (a worker's round, an HTTP call): give
        // it a moment of real time before moving the clock again.
        if (poll(std::chrono::milliseconds(300))) return true;
        advance_clock(step_seconds);
    }
    // Every step is taken, so whatever was waiting for time is due: what is left is I/O, which a
    // loaded machine may make slow.
    return poll(std::chrono::seconds(30));
}

std::string admin_token(const std::string& subject, const std::vector<std::string>& roles, int ttl_seconds,
                        const std::string& secret) {
    return admin_token_on_behalf(subject, "", roles, ttl_seconds, secret);
}

std::string admin_token_on_behalf(const std::string& subject, const std::string& on_behalf_of,
                                  const std::vector<std::string>& roles, int ttl_seconds, const std::string& secret) {
    Poco::JWT::Token token;
    if (!on_behalf_of.empty()) token.payload().set("on_behalf_of", on_behalf_of);
    token.setType("JWT");
    token.setSubject(subject);
    token.setIssuer("eenplan");
    token.setAudience("eenplan-admin");
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& role : roles) list->add(role);
    token.payload().set("roles", list);
    token.setIssuedAt(Poco::Timestamp());
    token.setExpiration(Poco::Timestamp() + static_cast<Poco::Timestamp::TimeDiff>(ttl_seconds) * 1'000'000);
    Poco::JWT::Signer signer(secret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

std::string admin_token_at(const std::string& subject, const std::vector<std::string>& roles, std::int64_t issued_at_s,
                           int ttl_seconds) {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setSubject(subject);
    token.setIssuer("eenplan");
    token.setAudience("eenplan-admin");
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& role : roles) list->add(role);
    token.payload().set("roles", list);
    const Poco::Timestamp issued(static_cast<Poco::Timestamp::TimeVal>(issued_at_s) * 1'000'000);
    token.setIssuedAt(issued);
    token.setExpiration(issued + static_cast<Poco::Timestamp::TimeDiff>(ttl_seconds) * 1'000'000);
    Poco::JWT::Signer signer(test_admin_secret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

std::pair<int, std::string> run_service_once(const std::filesystem::path& config, const std::string& extra) {
    Poco::Pipe err;
    std::vector<std::string> args{"--config", config.string()};
    if (!extra.empty()) args.push_back(extra);
    Poco::ProcessHandle handle = Poco::Process::launch(service_binary(), args, nullptr, &err, &err);
    Poco::PipeInputStream stream(err);
    std::string text;
    Poco::StreamCopier::copyToString(stream, text);
    return {handle.wait(), text};
}

}  // namespace eenplan::testing

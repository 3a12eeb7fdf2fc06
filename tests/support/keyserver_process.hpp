// The real eenplan-keyserver binary for a test, as a separate process over mutual TLS: its own
// master keys, server certificate and a small CA whose client certificates it maps to domains.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <Poco/Process.h>

namespace eenplan::testing {

// The path of the eenplan-keyserver binary (set by ctest).
std::string keyserver_binary();

class KeyServerProcess {
public:
    // Makes in `dir`: master keys (eenplan-keys generate), the hub's recipient key, a client CA
    // with certificates "hub" (may convert to "hub" and, for the tasks it sends, to "org:org-a" and
    // "org:org-b"), "org-a" (may convert to "org:org-a") and
    // "stranger" (issued by the CA, configured nowhere), a server certificate; then starts with
    // 2 threads (and the hub's block below allows it 2 connections).
    explicit KeyServerProcess(const std::filesystem::path& dir);
    ~KeyServerProcess();
    KeyServerProcess(const KeyServerProcess&) = delete;
    KeyServerProcess& operator=(const KeyServerProcess&) = delete;

    void start();  // on the port it had before, if it ran before
    void stop();   // SIGTERM, and wait
    // listen.tls.client_crl_file from the next start() on (a file in the directory, e.g. "crl.pem").
    void use_crl(const std::string& name) { crl_ = name; }
    // key_versions from the next start() on, e.g. "{hub: 2}".
    void use_key_versions(const std::string& yaml) { key_versions_ = yaml; }

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] const std::string& public_key() const { return public_key_; }
    [[nodiscard]] std::string log_text() const;
    [[nodiscard]] std::filesystem::path file(const std::string& name) const { return dir_ / name; }
    // The hub's keys.keyserver block (indented under keys:), with absolute paths.
    [[nodiscard]] std::string hub_keys_yaml() const;

private:
    void write_config() const;

    std::filesystem::path dir_;
    std::string public_key_;
    std::unique_ptr<Poco::ProcessHandle> process_;
    int port_ = 0;
    std::string crl_;
    std::string key_versions_;
};

}  // namespace eenplan::testing

// The real eenplan-service binary, started for a test with a generated configuration on a
// TestStore, on an ephemeral loopback port read back from its JSON log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Process.h>

#include "eenplan/core/encoding.hpp"
#include "support/test_store.hpp"

namespace eenplan::testing {

// A temporary directory removed with everything in it at the end of its scope.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct TestSource {
    std::string id;
    std::vector<std::string> secrets;  // "whsec_..." as configured
    std::string municipality{};        // a municipality's source: its gemeentecode (reconciliation)
    std::string extra{};               // YAML appended under this source only (e.g. client_certificate:)

    [[nodiscard]] Bytes secret_bytes(std::size_t i = 0) const;
};

// Two schools with fixed secrets; school_a's is the Standard Webhooks specification's example.
const TestSource& school_a();
const TestSource& school_b();

struct ServiceOptions {
    std::vector<TestSource> sources{school_a(), school_b()};
    bool tls = false;
    std::string tls_extra;  // YAML appended under listen.tls (e.g. "    client_ca_file: ca.pem\n")
    int pool_size = 8;
    bool polymorphic = false;  // generate master keys with eenplan-keys and configure them
    int key_versions = 1;      // hub pseudonym key versions 1..n; n is current
    // Another service's directory whose hub keys this one uses (it then reads what that one stored).
    std::filesystem::path keys_from;
    bool linkage = true;       // configure a linkage key (a fixed one, so scores repeat across runs)
    bool admin = true;         // configure the admin API's JWT secret (admin_secret())
    bool data_keys = false;    // configure keys.data_keys (a random key); without, the hub derives them
    std::string extra_config;  // YAML appended to the generated file (delivery:, recipients:, ...)
    std::string keys_extra;    // YAML appended under keys: (e.g. a keyserver: block)
    std::string source_extra;  // YAML appended under every source (e.g. school:, notifications:)
    // The test-only manual clock: the service's time stands still until advance_clock moves it, so
    // a test that waits for time (a retry delay, a lease, a schedule) moves it instead of sleeping.
    bool manual_clock = false;
    // testing.default_agreement: one built-in agreement over every configured recipient, task type
    // and category but the special ones, so tests not about data sharing keep delivering. Tests
    // about agreements and consents turn it off and configure their own (privacy: in extra_config).
    bool default_agreement = true;
    // testing.commit_hold_file: ingest batches wait before COMMIT while this file exists.
    std::string commit_hold_file;
    int threads = 16;          // listen.threads: the worker threads
    std::string listen_extra;  // YAML appended under listen: (e.g. "  connections: {...}\n")
};

// The fixed linkage key the tests configure, and the admin API's JWT secret.
inline constexpr const char* test_linkage_key_hex = "0707070707070707070707070707070707070707070707070707070707070707";
inline constexpr const char* test_admin_secret = "test-admin-secret-of-at-least-32-characters";

// An HS256 JWT for the admin API. `ttl_seconds` negative makes it expired already.
std::string admin_token(const std::string& subject, const std::vector<std::string>& roles, int ttl_seconds = 600,
                        const std::string& secret = test_admin_secret);
// The same issued at `issued_at_s` (Unix seconds), for a service whose manual clock was moved on.
std::string admin_token_at(const std::string& subject, const std::vector<std::string>& roles, std::int64_t issued_at_s,
                           int ttl_seconds = 600);
// The same with an "on_behalf_of" claim (empty: none).
std::string admin_token_on_behalf(const std::string& subject, const std::string& on_behalf_of,
                                  const std::vector<std::string>& roles, int ttl_seconds = 600,
                                  const std::string& secret = test_admin_secret);

struct HttpAnswer {
    int status = 0;
    std::string content_type;
    std::string body;
};

class ServiceProcess {
public:
    ServiceProcess(const TestStore& store, const std::filesystem::path& dir, ServiceOptions options = {});
    ~ServiceProcess();
    ServiceProcess(const ServiceProcess&) = delete;
    ServiceProcess& operator=(const ServiceProcess&) = delete;

    void start();
    void stop();       // SIGTERM, and wait
    void kill_hard();  // SIGKILL: no chance to flush or clean up

    // Rotation: adds pseudonym key version n+1 (a new random key) to the configuration. Takes
    // effect at the next start().
    void add_key_version();
    // The hex public key sources encrypt under (options.polymorphic only).
    [[nodiscard]] std::string polymorphic_public_key() const;

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string base_url() const;
    [[nodiscard]] std::string signals_url(const std::string& source_id) const;
    [[nodiscard]] const std::filesystem::path& log_file() const { return log_file_; }
    [[nodiscard]] std::string log_text() const;
    [[nodiscard]] std::optional<std::string> ca_file() const;
    [[nodiscard]] const std::filesystem::path& config_file() const { return config_file_; }

    [[nodiscard]] HttpAnswer get(const std::string& path) const;

    // The manual clock (options.manual_clock only): moves the service's time forward by `seconds`
    // (which wakes its workers) and returns the new time in seconds since the epoch; clock_now
    // only reads it. Both throw when the service has no manual clock.
    std::int64_t advance_clock(int seconds) const;
    [[nodiscard]] std::int64_t clock_now() const;
    // For waits on time, not on I/O: true as soon as `done` holds, moving the clock `step_seconds`
    // forward whenever it has not held for a moment (at most `max_steps` times), then waiting up to
    // 30 s of real time for the I/O that is left.
    bool advance_until(const std::function<bool()>& done, int step_seconds, int max_steps) const;
    // Any method, with an optional JSON body and an optional "Authorization: Bearer" token.
    [[nodiscard]] HttpAnswer request(const std::string& method, const std::string& path, const std::string& body = "",
                                     const std::string& token = "") const;

private:
    void write_config() const;

    std::filesystem::path dir_;
    std::filesystem::path config_file_;
    std::filesystem::path log_file_;
    bool tls_;
    ServiceOptions options_;
    std::string store_backend_;
    std::string store_connection_;
    std::string public_key_;
    std::unique_ptr<Poco::ProcessHandle> process_;
    int port_ = 0;
};

// The paths of the eenplan-service and eenplan-keys binaries (set by ctest).
std::string service_binary();
std::string keys_binary();

// Runs a command line; its standard output, or an exception when it fails.
std::string run_command(const std::string& command);

// Runs `eenplan-service --config <file> [extra]` to completion: its exit code and its standard
// output and error together.
std::pair<int, std::string> run_service_once(const std::filesystem::path& config, const std::string& extra);

}  // namespace eenplan::testing

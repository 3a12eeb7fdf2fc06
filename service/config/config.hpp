// The service's configuration as a typed value, parsed and validated once at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::service {

struct TlsConfig {
    std::string certificate;
    std::string private_key;
};

struct ListenConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8443;
    int threads = 16;
    std::optional<TlsConfig> tls;
};

enum class Backend { sqlite, postgresql };

struct DatabaseConfig {
    Backend backend = Backend::sqlite;
    std::string connection;  // a SOCI connection string for the backend
    int pool_size = 8;
};

struct KeyFile {
    std::uint32_t version;
    std::string path;
};

struct LoggingConfig {
    std::string level = "information";
    std::optional<std::string> file;  // standard output when absent
};

struct IngestConfig {
    std::size_t max_body_bytes = 1024 * 1024;
    std::int64_t timestamp_tolerance_seconds = 300;
};

struct SourceConfig {
    std::string id;
    std::string name;
    std::vector<Bytes> secrets;  // decoded "whsec_" secrets; any of them may sign
};

struct Config {
    ListenConfig listen;
    DatabaseConfig database;
    std::vector<KeyFile> pseudonym_keys;
    std::optional<std::string> polymorphic_master_key;  // path of the master key file
    LoggingConfig logging;
    IngestConfig ingest;
    std::vector<SourceConfig> sources;
};

// Reads and validates a YAML configuration file. Relative file paths inside it are resolved
// against the file's own directory. Problems carry a JSON Pointer into the file and a sentence.
Result<Config> load_config(const std::string& path);
Result<Config> parse_config(const std::string& yaml_text, const std::string& base_dir);

}  // namespace eenplan::service

#include "config/config.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "validation/json_schema.hpp"
#include "validation/yaml_to_json.hpp"

namespace eenplan::service {
namespace {

std::string resolve(const std::string& path, const std::string& base_dir) {
    const std::filesystem::path p(path);
    if (p.is_absolute() || base_dir.empty()) return path;
    return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

template <typename T>
T get_or(const YAML::Node& node, const char* key, T fallback) {
    return node[key] ? node[key].as<T>() : fallback;
}

}  // namespace

Result<Config> parse_config(const std::string& yaml_text, const std::string& base_dir) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        return Problem{"", "is not valid YAML: " + e.msg + " (line " +
                               std::to_string(e.mark.line + 1) + ")"};
    }
    Problems problems = JsonSchema::embedded("config/eenplan.schema.json").validate(yaml_to_json(root));
    if (!problems.empty()) return problems;

    Config config;
    const YAML::Node listen = root["listen"];
    config.listen.address = listen["address"].as<std::string>();
    config.listen.port = static_cast<std::uint16_t>(listen["port"].as<int>());
    config.listen.threads = get_or(listen, "threads", config.listen.threads);
    if (const YAML::Node tls = listen["tls"]) {
        config.listen.tls = TlsConfig{resolve(tls["certificate"].as<std::string>(), base_dir),
                                      resolve(tls["private_key"].as<std::string>(), base_dir)};
    }
    const bool loopback = config.listen.address == "127.0.0.1" ||
                          config.listen.address == "::1" || config.listen.address == "localhost";
    if (!config.listen.tls && !loopback) {
        problems.push_back({"/listen/tls", "is required unless the service listens on loopback only: "
                                           "signals carry personal data and must not cross a network unencrypted"});
    }

    const YAML::Node database = root["database"];
    config.database.backend = database["backend"].as<std::string>() == "postgresql"
                                  ? Backend::postgresql
                                  : Backend::sqlite;
    config.database.connection = database["connection"].as<std::string>();
    config.database.pool_size = get_or(database, "pool_size", config.database.pool_size);
    if (config.database.backend == Backend::sqlite) {
        // SOCI's SQLite connection string is "db=<path> ..."; resolve a relative path.
        std::string& c = config.database.connection;
        if (c.starts_with("db=")) {
            const auto end = c.find(' ');
            const std::string file = c.substr(3, end == std::string::npos ? end : end - 3);
            c = "db=" + resolve(file, base_dir) + (end == std::string::npos ? "" : c.substr(end));
        }
    }

    const YAML::Node keys = root["keys"]["pseudonym_keys"];
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto version = keys[i]["version"].as<std::uint32_t>();
        for (const KeyFile& seen : config.pseudonym_keys) {
            if (seen.version == version) {
                problems.push_back({"/keys/pseudonym_keys/" + std::to_string(i) + "/version",
                                    "repeats key version " + std::to_string(version)});
            }
        }
        config.pseudonym_keys.push_back({version, resolve(keys[i]["file"].as<std::string>(), base_dir)});
    }

    if (const YAML::Node master = root["keys"]["polymorphic_master_key"]) {
        config.polymorphic_master_key = resolve(master.as<std::string>(), base_dir);
    }

    if (const YAML::Node logging = root["logging"]) {
        config.logging.level = get_or(logging, "level", config.logging.level);
        if (logging["file"]) config.logging.file = resolve(logging["file"].as<std::string>(), base_dir);
    }
    if (const YAML::Node ingest = root["ingest"]) {
        config.ingest.max_body_bytes = get_or(ingest, "max_body_bytes", config.ingest.max_body_bytes);
        config.ingest.timestamp_tolerance_seconds =
            get_or(ingest, "timestamp_tolerance_seconds", config.ingest.timestamp_tolerance_seconds);
    }

    const YAML::Node sources = root["sources"];
    for (std::size_t i = 0; i < sources.size(); ++i) {
        SourceConfig source;
        source.id = sources[i]["id"].as<std::string>();
        source.name = get_or(sources[i], "name", source.id);
        const std::string pointer = "/sources/" + std::to_string(i);
        for (const SourceConfig& seen : config.sources) {
            if (seen.id == source.id) problems.push_back({pointer + "/id", "repeats source id " + source.id});
        }
        const YAML::Node secrets = sources[i]["secrets"];
        for (std::size_t j = 0; j < secrets.size(); ++j) {
            auto secret = webhooks::parse_secret(secrets[j].as<std::string>());
            if (secret) {
                source.secrets.push_back(std::move(secret).value());
            } else {
                // The secret itself is never repeated in the message.
                problems.push_back({pointer + "/secrets/" + std::to_string(j), secret.problems()[0].detail});
            }
        }
        config.sources.push_back(std::move(source));
    }

    if (!problems.empty()) return problems;
    return config;
}

Result<Config> load_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Problem{"", "cannot be read"};
    std::ostringstream text;
    text << in.rdbuf();
    const auto dir = std::filesystem::absolute(path).parent_path().string();
    return parse_config(text.str(), dir);
}

}  // namespace eenplan::service

#include "keyserver/keyserver_config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/secret_files.hpp"
#include "validation/yaml_to_json.hpp"

namespace eenplan::keyserver {
namespace {

std::string resolve(const std::string& path, const std::filesystem::path& base) {
    const std::filesystem::path p(path);
    return p.is_absolute() ? path : (base / p).string();
}

}  // namespace

bool KeyServerClient::may_convert_to(const std::string& domain) const {
    return std::find(domains.begin(), domains.end(), domain) != domains.end();
}

Result<KeyServerConfig> load_keyserver_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Problem{"", "cannot read " + path};
    std::ostringstream text;
    text << in.rdbuf();
    auto loaded = service::load_checked_yaml(text.str(), "config/keyserver.schema.json");
    if (!loaded) return loaded.problems();
    const YAML::Node root = loaded.value();
    const std::filesystem::path base = std::filesystem::absolute(path).parent_path();

    KeyServerConfig config;
    const YAML::Node listen = root["listen"];
    if (listen["address"]) config.address = listen["address"].as<std::string>();
    config.port = listen["port"].as<int>();
    if (listen["threads"]) config.threads = listen["threads"].as<int>();
    const YAML::Node tls = listen["tls"];
    config.certificate = resolve(tls["certificate"].as<std::string>(), base);
    config.private_key = resolve(tls["private_key"].as<std::string>(), base);
    config.client_ca_file = resolve(tls["client_ca_file"].as<std::string>(), base);
    if (tls["client_crl_file"]) config.client_crl_file = resolve(tls["client_crl_file"].as<std::string>(), base);
    config.master_key_file = resolve(root["master_key_file"].as<std::string>(), base);
    if (root["max_batch"]) config.max_batch = root["max_batch"].as<std::size_t>();
    for (const auto& entry : root["key_versions"]) {
        config.key_versions[entry.first.as<std::string>()] = entry.second.as<std::uint32_t>();
    }

    Problems problems;
    const YAML::Node clients = root["clients"];
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const YAML::Node node = clients[i];
        KeyServerClient client;
        client.id = node["id"].as<std::string>();
        const YAML::Node certificate = node["certificate"];
        if (certificate["subject"]) client.certificate.subject = certificate["subject"].as<std::string>();
        if (certificate["sha256"]) client.certificate.sha256 = certificate["sha256"].as<std::string>();
        for (const auto& domain : node["domains"]) client.domains.push_back(domain.as<std::string>());
        if (node["metrics"]) client.metrics = node["metrics"].as<bool>();
        const YAML::Node limit = node["rate_limit"];
        if (!limit || !limit["enabled"] || limit["enabled"].as<bool>()) {
            policy::RateLimit rate;
            if (limit && limit["per_second"]) rate.per_second = limit["per_second"].as<double>();
            if (limit && limit["burst"]) rate.burst = limit["burst"].as<double>();
            client.rate_limit = rate;
        }
        for (const KeyServerClient& other : config.clients) {
            if (other.id == client.id) {
                problems.push_back({"/clients/" + std::to_string(i) + "/id", "repeats the id of another client"});
            }
        }
        config.clients.push_back(std::move(client));
    }
    if (const YAML::Node logging = root["logging"]) {
        if (logging["level"]) config.logging.level = logging["level"].as<std::string>();
        if (logging["file"]) config.logging.file = resolve(logging["file"].as<std::string>(), base);
    }
    for (const auto& [pointer, file] : {std::pair{"/master_key_file", config.master_key_file},
                                        std::pair{"/listen/tls/private_key", config.private_key}}) {
        if (auto problem = service::check_secret_file_mode(file, pointer)) problems.push_back(*problem);
    }
    if (!problems.empty()) return problems;
    return config;
}

}  // namespace eenplan::keyserver

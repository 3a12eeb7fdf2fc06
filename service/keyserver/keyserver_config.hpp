// The key server's settings (schemas/config/keyserver.schema.json), read and checked whole at
// start-up: a bad file stops the key server with the path and a sentence.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "eenplan/core/policy/rate_limit.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::keyserver {

// One client of the key server (the hub, an organisation): the certificate it presents and the
// domains it may have encryptions converted to.
struct KeyServerClient {
    std::string id;
    service::ClientCertificateRule certificate;
    std::vector<std::string> domains;
    std::optional<policy::RateLimit> rate_limit;  // none: unlimited
    bool metrics = false;                         // may read /metrics (counts of every client)

    [[nodiscard]] bool may_convert_to(const std::string& domain) const;
};

struct KeyServerConfig {
    std::string address = "127.0.0.1";
    int port = 0;
    int threads = 16;  // one per open client connection: cover every client's keys.keyserver.connections
    std::string certificate;
    std::string private_key;
    std::string client_ca_file;
    // The client CA's revocation list (eenplan-keys revoke): read at start-up; a revoked or, once
    // the list's nextUpdate has passed, any client certificate fails the TLS handshake.
    std::optional<std::string> client_crl_file;
    std::string master_key_file;
    std::size_t max_batch = 1000;
    // The recipient key version conversions for a domain are made for (key_versions; default 1).
    std::map<std::string, std::uint32_t, std::less<>> key_versions;
    [[nodiscard]] std::uint32_t key_version(std::string_view domain) const {
        const auto it = key_versions.find(domain);
        return it == key_versions.end() ? 1 : it->second;
    }
    std::vector<KeyServerClient> clients;
    service::LoggingConfig logging;
};

// Reads `path`; relative paths in it are taken relative to its directory. Key files whose mode
// lets group or others read them are refused here, before anything is read from them.
Result<KeyServerConfig> load_keyserver_config(const std::string& path);

}  // namespace eenplan::keyserver

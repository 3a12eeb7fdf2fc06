// The key server's HTTP surface: POST /v1/convert (mutual TLS, per-client domains and rate
// limits), /healthz, /readyz and /metrics. It converts polymorphic encryptions under the master
// public key into encryptions for one named domain (reshuffle and rekey, polymorphic.hpp), and
// nothing else: it never decrypts, stores or logs an encryption, only counts per client and domain.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "eenplan/core/policy/rate_limit.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "keyserver/keyserver_config.hpp"

namespace eenplan::keyserver {

// What the handlers share: the keys, the clients, their rate-limit buckets and the counters.
class KeyServer {
public:
    KeyServer(KeyServerConfig config, PolymorphicMasterKeys master, Poco::Logger& logger);

    [[nodiscard]] const KeyServerConfig& config() const noexcept { return config_; }
    [[nodiscard]] const PolymorphicMasterKeys& master() const noexcept { return master_; }
    [[nodiscard]] Poco::Logger& logger() const noexcept { return logger_; }

    // The client whose certificate rule matches, or null.
    [[nodiscard]] const KeyServerClient* client_for(const std::optional<std::string>& subject,
                                                    const std::optional<std::string>& sha256) const;
    // 0 when the client may make a request now, else microseconds until it may.
    std::int64_t take_token(const KeyServerClient& client);

    void count_request(const std::string& client, const std::string& outcome);
    void count_conversions(const std::string& client, const std::string& domain, std::size_t n);
    [[nodiscard]] std::string metrics_text() const;

    Poco::Net::HTTPRequestHandlerFactory* make_factory();

private:
    KeyServerConfig config_;
    PolymorphicMasterKeys master_;
    Poco::Logger& logger_;
    std::mutex buckets_mutex_;
    std::unordered_map<std::string, policy::TokenBucket> buckets_;
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Counter>& conversions_;
};

}  // namespace eenplan::keyserver

// The hub's client of eenplan-keyserver: one POST /v1/convert per batch over mutual TLS, the
// answer checked (one encryption per one sent, each under the domain's key). Throws
// KeyServerUnavailable (common/store_types.hpp) when the key server cannot answer, refuses, or
// answers something else; the message names the cause, never an encryption.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "eenplan/core/polymorphic.hpp"

namespace eenplan::integration {
class KeepAliveClient;
}

namespace eenplan::service {

// Converts encryptions under the master public key into encryptions for one domain.
class DomainConverter {
public:
    virtual ~DomainConverter() = default;
    [[nodiscard]] virtual std::vector<PolymorphicCiphertext> convert(const std::vector<PolymorphicCiphertext>& batch,
                                                                     std::string_view domain) const = 0;
};

class KeyServerClient : public DomainConverter {
public:
    explicit KeyServerClient(KeyServerSettings settings);
    ~KeyServerClient() override;

    [[nodiscard]] std::vector<PolymorphicCiphertext> convert(const std::vector<PolymorphicCiphertext>& batch,
                                                             std::string_view domain) const override;

private:
    // Keep-alive connections, one per concurrent caller, reused.
    std::unique_ptr<integration::KeepAliveClient> take() const;
    void give_back(std::unique_ptr<integration::KeepAliveClient> client) const;

    KeyServerSettings settings_;
    mutable std::mutex mutex_;
    mutable std::vector<std::unique_ptr<integration::KeepAliveClient>> idle_;
};

}  // namespace eenplan::service

// The hub's client of eenplan-keyserver: one POST /v1/convert per batch over mutual TLS, the
// answer checked (one encryption per one sent, each under the domain's key). Throws
// KeyServerUnavailable (common/store_types.hpp) when the key server cannot answer, refuses, or
// answers something else; the message names the cause, never an encryption.
#pragma once

#include <condition_variable>
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
    // At most settings.connections keep-alive connections, reused: a key server thread serves one
    // connection while it stays open, so more connections than its threads would wait for it.
    // A caller waits for a free one up to the timeout; then the key server counts as unavailable.
    std::unique_ptr<integration::KeepAliveClient> take() const;
    void give_back(std::unique_ptr<integration::KeepAliveClient> client) const;

    KeyServerSettings settings_;
    mutable std::mutex mutex_;
    mutable std::condition_variable freed_;
    mutable int in_use_ = 0;
    mutable std::vector<std::unique_ptr<integration::KeepAliveClient>> idle_;
};

}  // namespace eenplan::service

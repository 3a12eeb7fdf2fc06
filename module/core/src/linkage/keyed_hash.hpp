// HMAC-SHA256 with the key schedule done once (RFC 2104 §4: the inner and outer padded-key states
// are precomputed), for the many short messages of CLK encoding. Private to linkage.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "../openssl_handles.hpp"

namespace eenplan::linkage::detail {

using Digest = std::array<std::uint8_t, 32>;

class KeyedHash {
public:
    explicit KeyedHash(std::span<const std::uint8_t> key);
    // HMAC-SHA256(key, concatenation of parts). Safe from several threads at once.
    [[nodiscard]] Digest mac(std::initializer_list<std::string_view> parts) const;
    // A 32-byte sub-key for `label`: HMAC-SHA256(key, "eenplan/pprl/v1|" label).
    [[nodiscard]] Digest derive(std::string_view label) const { return mac({"eenplan/pprl/v1|", label}); }

private:
    ossl::MdCtx inner_;
    ossl::MdCtx outer_;
};

}  // namespace eenplan::linkage::detail

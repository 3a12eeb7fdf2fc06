// Byte encodings used on the wire and in pseudonyms: base64 (RFC 4648 §4), lower-case
// base32 without padding (RFC 4648 §6, for short pseudonyms), and hex.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eenplan {

using Bytes = std::vector<std::uint8_t>;

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::optional<Bytes> base64_decode(std::string_view text);
// base64url without padding (RFC 4648 §5, as JOSE writes it: RFC 7515 appendix C).
std::string base64url_encode(std::span<const std::uint8_t> bytes);
// Only the canonical spelling: no padding, no '+' or '/', unused low bits zero (one value, one text).
std::optional<Bytes> base64url_decode(std::string_view text);
std::string base32_encode(std::span<const std::uint8_t> bytes);
// Lower-case, unpadded, as base32_encode writes it; trailing bits that do not fill a byte must be 0.
std::optional<Bytes> base32_decode(std::string_view text);
std::string hex_encode(std::span<const std::uint8_t> bytes);
std::optional<Bytes> hex_decode(std::string_view text);

inline std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace eenplan

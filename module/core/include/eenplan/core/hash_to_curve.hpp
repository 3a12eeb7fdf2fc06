// Hashing to P-256: RFC 9380 suite P256_XMD:SHA-256_SSWU_RO_ (§8.2), the way a person number
// becomes the group element that polymorphic pseudonyms encrypt.
//
// Why this and not "try-and-increment" (hash, test whether x is on the curve, else increment):
// the number of tries depends on the input, so its timing leaks which person was hashed, and the
// result has no standard test vectors. The simplified SWU map costs more code but performs the
// same sequence of field operations for every input, and is checked against RFC 9380 Appendix
// J.1.1. "Constant-time-ish": OpenSSL's BIGNUM arithmetic underneath is not guaranteed constant
// time, so a co-located attacker measuring fine-grained timings is out of scope.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/p256.hpp"

namespace eenplan::p256 {

// The domain separation tag of eenplan's identity points (RFC 9380 §3.1: one tag per application
// and version, naming the suite).
inline constexpr std::string_view eenplan_dst = "eenplan-v1-P256_XMD:SHA-256_SSWU_RO_";

// RFC 9380 §5.3.1, with SHA-256. The tag must be at most 255 bytes (std::invalid_argument).
Bytes expand_message_xmd(std::span<const std::uint8_t> message, std::string_view dst, std::size_t length);

// RFC 9380 §5.2 with count = 2, m = 1, L = 48: two field elements, each 32 bytes big-endian.
std::array<Bytes, 2> hash_to_field(std::span<const std::uint8_t> message, std::string_view dst);

// RFC 9380 §6.6.2 simplified SWU for P-256 (A = -3 != 0, so no isogeny), in the straight-line
// form of Appendix F.2 with sqrt_ratio for p = 3 mod 4 (F.2.1.2). Input: a field element as 32
// bytes big-endian, less than p.
Point map_to_curve(std::span<const std::uint8_t> field_element);

// RFC 9380 §3 hash_to_curve: map both field elements and add the points. P-256 has cofactor 1, so
// clear_cofactor is the identity.
Point hash_to_curve(std::span<const std::uint8_t> message, std::string_view dst);

}  // namespace eenplan::p256

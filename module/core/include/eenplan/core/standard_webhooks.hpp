// Standard Webhooks (https://www.standardwebhooks.com, spec v1): the signing scheme used for
// signals coming in and tasks going out.
//
//   webhook-signature: v1,<base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body))>
//
// Several space-separated signatures may be sent, so a sender can rotate its secret; the message
// is accepted when any of them matches any of the receiver's current secrets. Time is passed in.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::webhooks {

// The spec's default tolerance between the sender's timestamp and the receiver's clock.
inline constexpr std::int64_t default_tolerance_seconds = 300;

// A secret as configured: "whsec_" + base64 of the key bytes.
Result<Bytes> parse_secret(std::string_view text);

std::string sign(std::span<const std::uint8_t> secret, std::string_view id, std::int64_t timestamp,
                 std::string_view body);

enum class Rejection {
    missing_headers,
    bad_timestamp,  // not an integer
    timestamp_out_of_tolerance,
    no_matching_signature,
};

// A sentence for a problem+json detail; it never repeats the header values.
std::string_view describe(Rejection rejection);

struct Verification {
    bool accepted;
    Rejection rejection;  // meaningful only when !accepted
};

struct Headers {
    std::string_view id;
    std::string_view timestamp;
    std::string_view signature;
};

Verification verify(std::span<const Bytes> secrets, const Headers& headers, std::string_view body,
                    std::int64_t now_seconds, std::int64_t tolerance_seconds = default_tolerance_seconds);

}  // namespace eenplan::webhooks

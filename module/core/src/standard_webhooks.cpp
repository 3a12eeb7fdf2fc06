#include "eenplan/core/standard_webhooks.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace eenplan::webhooks {
namespace {

constexpr std::string_view secret_prefix = "whsec_";
constexpr std::string_view version_prefix = "v1,";

std::array<unsigned char, 32> mac(std::span<const std::uint8_t> secret, std::string_view id, std::string_view timestamp,
                                  std::string_view body) {
    // Fetched once: an EVP_MAC_fetch per message would cost more than the MAC itself.
    static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                                 OSSL_PARAM_construct_end()};
    std::array<unsigned char, 32> out{};
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac);
    EVP_MAC_init(ctx, secret.data(), secret.size(), params);
    auto update = [ctx](std::string_view part) {
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size());
    };
    update(id);
    update(".");
    update(timestamp);
    update(".");
    update(body);
    std::size_t len = 0;
    EVP_MAC_final(ctx, out.data(), &len, out.size());
    EVP_MAC_CTX_free(ctx);
    return out;
}

}  // namespace

Result<Bytes> parse_secret(std::string_view text) {
    if (!text.starts_with(secret_prefix)) {
        return Problem{"", "a webhook secret must start with \"whsec_\""};
    }
    auto bytes = base64_decode(text.substr(secret_prefix.size()));
    if (!bytes) return Problem{"", "a webhook secret must be \"whsec_\" followed by base64"};
    if (bytes->size() < 24) return Problem{"", "a webhook secret must hold at least 24 bytes"};
    return std::move(*bytes);
}

std::string sign(std::span<const std::uint8_t> secret, std::string_view id, std::int64_t timestamp,
                 std::string_view body) {
    const auto digest = mac(secret, id, std::to_string(timestamp), body);
    return std::string(version_prefix) + base64_encode(digest);
}

std::string_view describe(Rejection rejection) {
    switch (rejection) {
        case Rejection::missing_headers:
            return "the webhook-id, webhook-timestamp and webhook-signature headers are required";
        case Rejection::bad_timestamp:
            return "webhook-timestamp must be a whole number of seconds since the Unix epoch";
        case Rejection::timestamp_out_of_tolerance: return "webhook-timestamp is too far from the receiver's clock";
        case Rejection::no_matching_signature:
            return "no signature in webhook-signature matches a secret of this source";
    }
    return "rejected";
}

Verification verify(std::span<const Bytes> secrets, const Headers& headers, std::string_view body,
                    std::int64_t now_seconds, std::int64_t tolerance_seconds) {
    if (headers.id.empty() || headers.timestamp.empty() || headers.signature.empty()) {
        return {false, Rejection::missing_headers};
    }
    std::int64_t timestamp = 0;
    const auto* end = headers.timestamp.data() + headers.timestamp.size();
    auto [ptr, ec] = std::from_chars(headers.timestamp.data(), end, timestamp);
    if (ec != std::errc{} || ptr != end) return {false, Rejection::bad_timestamp};
    // Compared without subtracting the sender's value: now - INT64_MIN would overflow. The
    // receiver's own figures are clamped so that now +- tolerance cannot overflow either.
    const std::int64_t now = std::clamp<std::int64_t>(now_seconds, -(std::int64_t{1} << 60), std::int64_t{1} << 60);
    const std::int64_t tolerance = std::clamp<std::int64_t>(tolerance_seconds, 0, std::int64_t{1} << 40);
    if (timestamp < now - tolerance || timestamp > now + tolerance) {
        return {false, Rejection::timestamp_out_of_tolerance};
    }

    for (const Bytes& secret : secrets) {
        const auto expected = mac(secret, headers.id, headers.timestamp, body);
        std::string_view rest = headers.signature;
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            std::string_view candidate = rest.substr(0, space);
            rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
            if (!candidate.starts_with(version_prefix)) continue;  // other schemes, e.g. v1a
            auto decoded = base64_decode(candidate.substr(version_prefix.size()));
            if (decoded && decoded->size() == expected.size() &&
                CRYPTO_memcmp(decoded->data(), expected.data(), expected.size()) == 0) {
                return {true, Rejection::no_matching_signature};
            }
        }
    }
    return {false, Rejection::no_matching_signature};
}

}  // namespace eenplan::webhooks

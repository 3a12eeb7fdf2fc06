// Smaller hostile-input findings: the admin JWT's claims and constant-time signature check, a
// webhook-timestamp at the ends of int64, and SOCI's error text (which quotes SQL and bound
// values) kept out of what is logged.
#include <catch2/catch.hpp>

#include <limits>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <soci/soci.h>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/standard_webhooks.hpp"
#include "http/admin_auth.hpp"
#include "store/database.hpp"

using namespace eenplan;
using eenplan::service::AdminAccess;
using eenplan::service::AdminAuth;
using eenplan::service::AdminIdentity;
using eenplan::service::AdminRefusal;

namespace {

constexpr const char* secret = "test-admin-secret-of-at-least-32-characters";
constexpr std::int64_t now = 1'800'000'000;

std::string b64url(std::string_view text) {
    std::string out = base64_encode(as_bytes(text));
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

// A token with these claims (JSON text), signed by hand (HMAC-SHA256, RFC 7515) so that claims
// Poco::JWT would not parse can be sent too.
std::string token_with(const std::string& claims_json, const std::string& key = secret) {
    const std::string signing_input = b64url(R"({"alg":"HS256","typ":"JWT"})") + "." + b64url(claims_json);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &size);
    return "Bearer " + signing_input + "." + b64url(std::string(reinterpret_cast<const char*>(mac), size));
}

std::string claims(const std::string& extra = "", std::int64_t exp = now + 600) {
    return R"({"sub":"beheerder@eenplan","roles":["admin"],"iss":"eenplan","aud":"eenplan-admin","exp":)" +
           std::to_string(exp) + extra + "}";
}

std::string refusal(const AdminAuth& auth, const std::string& authorization) {
    const auto outcome = auth.authenticate(authorization, AdminAccess::write, now);
    if (std::holds_alternative<AdminIdentity>(outcome)) return "accepted";
    const auto& r = std::get<AdminRefusal>(outcome);
    return std::to_string(r.status) + " " + r.detail;
}

}  // namespace

SCENARIO("admin tokens are checked claim by claim", "[security][record]") {
    const AdminAuth auth{std::string(secret)};
    CHECK(refusal(auth, token_with(claims())) == "accepted");
    CHECK(refusal(auth,
                  token_with(R"({"sub":"x","roles":["admin"],"iss":"eenplan","aud":["other","eenplan-admin"],"exp":)" +
                             std::to_string(now + 60) + "}")) == "accepted");
    CHECK(refusal(auth, token_with(claims(), "another-secret-of-at-least-32-characters!")).starts_with("401"));
    CHECK(refusal(auth, token_with(R"({"sub":"x","roles":["admin"],"aud":"eenplan-admin","exp":)" +
                                   std::to_string(now + 60) + "}"))
              .starts_with("401 the token's issuer"));
    CHECK(refusal(auth, token_with(R"({"sub":"x","roles":["admin"],"iss":"evil","aud":"eenplan-admin","exp":)" +
                                   std::to_string(now + 60) + "}"))
              .starts_with("401 the token's issuer"));
    CHECK(refusal(auth, token_with(R"({"sub":"x","roles":["admin"],"iss":"eenplan","aud":"other","exp":)" +
                                   std::to_string(now + 60) + "}"))
              .starts_with("401 the token is not meant"));
    CHECK(refusal(auth, token_with(R"({"sub":"x","roles":["admin"],"iss":"eenplan","aud":"eenplan-admin"})")) ==
          "401 the token has no expiry (exp)");
    CHECK(refusal(
              auth,
              token_with(R"({"sub":"x","roles":["admin"],"iss":"eenplan","aud":"eenplan-admin","exp":"tomorrow"})")) ==
          "401 the token's expiry (exp) is not a number of seconds");
    CHECK(
        refusal(auth, token_with(R"({"sub":"x","roles":["admin"],"iss":"eenplan","aud":"eenplan-admin","exp":1e400})"))
            .starts_with("401"));
    CHECK(refusal(auth, token_with(claims("", now - 1))) == "401 the token has expired");
    CHECK(refusal(auth, token_with(claims("", now + 13 * 3600))) == "401 the token lives longer than this hub accepts");
    CHECK(refusal(auth, token_with(claims(R"(,"nbf":)" + std::to_string(now + 3600)))) ==
          "401 the token is not valid yet (nbf)");
    CHECK(refusal(auth, token_with(claims(R"(,"nbf":)" + std::to_string(now - 10)))) == "accepted");
    CHECK(refusal(auth, token_with(claims(R"(,"nbf":"soon")"))) == "401 the token's nbf is not a number of seconds");

    THEN("an unsigned or re-headed token is refused") {
        const std::string none = "Bearer " + b64url(R"({"alg":"none"})") + "." + b64url(claims()) + ".";
        CHECK(refusal(auth, none).starts_with("401"));
        const std::string good = token_with(claims());
        std::string tampered = good;
        char& middle = tampered[tampered.size() - 10];
        middle = middle == 'A' ? 'B' : 'A';
        CHECK(refusal(auth, tampered) == "401 the token's signature is not valid");
        // The last character of a 32-byte signature carries 4 unused bits: a second spelling of
        // the same signature is refused as malformed.
        std::string respelled = good;
        const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        respelled.back() = alphabet[alphabet.find(respelled.back()) ^ 1];
        CHECK(refusal(auth, respelled).starts_with("401"));
        THEN("a token signed by Poco::JWT, as admins make them, is accepted") {
            Poco::JWT::Token token;
            token.setSubject("x");
            token.setIssuer("eenplan");
            token.setAudience("eenplan-admin");
            token.payload().set("roles", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
            token.payload().getArray("roles")->add("admin");
            token.setExpiration(Poco::Timestamp::fromEpochTime(now + 600));
            CHECK(refusal(auth, "Bearer " + Poco::JWT::Signer(secret).sign(token, Poco::JWT::Signer::ALGO_HS256)) ==
                  "accepted");
        }
        CHECK(refusal(auth, "Bearer a.b.c.d").starts_with("401"));
        CHECK(refusal(auth, "Bearer " + std::string(100000, 'a')).starts_with("401"));
        CHECK(refusal(auth, "Bearer ..").starts_with("401"));
    }
}

SCENARIO("a webhook-timestamp at the ends of int64 is refused without overflow", "[security][ingest]") {
    const std::vector<Bytes> secrets{webhooks::parse_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value()};
    for (const char* ts :
         {"-9223372036854775808", "9223372036854775807", "-9223372036854775809", "99999999999999999999"}) {
        INFO(ts);
        const auto v = webhooks::verify(secrets, {"msg_1", ts, "v1,abc="}, "{}", now, 300);
        CHECK_FALSE(v.accepted);
    }
    // The receiver's own extremes are clamped rather than overflowing.
    const auto v = webhooks::verify(secrets, {"msg_1", "-9223372036854775808", "v1,abc="}, "{}",
                                    std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max());
    CHECK_FALSE(v.accepted);
}

SCENARIO("SOCI's error text, which quotes SQL and bound values, is not what is logged", "[security][privacy]") {
    const soci::soci_error error(
        R"s(duplicate key value violates unique constraint while executing "INSERT INTO signals (envelope) VALUES(:1)" with :1="pp1:secretpseudonym")s");
    const std::string logged = service::loggable_error(error);
    CHECK(logged.starts_with("database error"));
    CHECK(logged.find("secretpseudonym") == std::string::npos);
    CHECK(logged.find("INSERT") == std::string::npos);
    const std::runtime_error other("something else");
    CHECK(service::loggable_error(other) == "something else");
}

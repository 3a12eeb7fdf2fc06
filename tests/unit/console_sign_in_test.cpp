// The sign-in's pure parts: the login throttle's delays, argon2id hashes, and the form decoding of
// a callback's query.
#include <catch2/catch.hpp>

#include "console_auth/login_throttle.hpp"
#include "console_auth/oidc_token.hpp"
#include "console_auth/password_hash.hpp"

using namespace eenplan::service;

TEST_CASE("failed logins earn doubling delays up to the longest lockout", "[console]") {
    LoginThrottle throttle(3, 10);
    const std::int64_t s = 1'000'000;
    std::int64_t now = 1'800'000'000 * s;
    throttle.failed("a", now);
    throttle.failed("a", now);
    CHECK(throttle.wait_seconds("a", now) == 0);
    throttle.failed("a", now);
    CHECK(throttle.wait_seconds("a", now) == 1);
    CHECK(throttle.wait_seconds("b", now) == 0);  // another key is not touched
    throttle.failed("a", now);
    CHECK(throttle.wait_seconds("a", now) == 2);
    throttle.failed("a", now);
    CHECK(throttle.wait_seconds("a", now) == 4);
    for (int i = 0; i < 10; ++i) throttle.failed("a", now);
    CHECK(throttle.wait_seconds("a", now) == 10);  // capped
    CHECK(throttle.wait_seconds("a", now + 10 * s) == 0);
    throttle.succeeded("a");
    throttle.failed("a", now);
    CHECK(throttle.wait_seconds("a", now) == 0);
}

TEST_CASE("passwords are argon2id hashes that verify only the right password", "[console]") {
    const std::string hash = hash_password("correct horse battery staple");
    CHECK(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    CHECK(hash != hash_password("correct horse battery staple"));  // salted
    CHECK(verify_password(hash, "correct horse battery staple"));
    CHECK_FALSE(verify_password(hash, "correct horse battery stapler"));
    CHECK_FALSE(verify_password("$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", "x"));
    CHECK_FALSE(verify_password("not a hash", "x"));
}

TEST_CASE("a callback's query is decoded strictly", "[console]") {
    const auto fields = oidc::form_decode("code=a%2Fb+c&state=xyz&empty=");
    REQUIRE(fields);
    CHECK(fields->at("code") == "a/b c");
    CHECK(fields->at("state") == "xyz");
    CHECK(fields->at("empty").empty());
    CHECK_FALSE(oidc::form_decode("code=%zz"));
    CHECK_FALSE(oidc::form_decode("code=%2"));
    CHECK_FALSE(oidc::form_decode("code=1&code=2"));  // a repeated field is refused, not picked
    CHECK(oidc::form_encode({{"redirect_uri", "https://h/p?q=1&r"}}) == "redirect_uri=https%3A%2F%2Fh%2Fp%3Fq%3D1%26r");
    // S256 (RFC 7636 section 4.2), as `openssl dgst -sha256 -binary | base64` then made URL-safe.
    CHECK(oidc::code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOSjXk") ==
          "KnzveAyQMhNA_iUwGLkrbZAyXEfR1Ef_lfJqfPWkmvU");
}

TEST_CASE("base64url takes one spelling of each value: no padding, no '+' or '/', no stray low bits", "[console]") {
    // RFC 7515 appendix C's example, and the three lengths of a last group.
    const std::string bytes("\x03\xec\xff\xe0\x01", 5);
    CHECK(oidc::base64url(bytes) == "A-z_4AE");
    CHECK(oidc::base64url_decode("A-z_4AE") == bytes);
    for (const std::string& value : {std::string(), std::string("f"), std::string("fo"), std::string("foo")}) {
        CHECK(oidc::base64url_decode(oidc::base64url(value)) == value);
    }
    CHECK_FALSE(oidc::base64url_decode("A-z_4AE=").has_value());  // padded
    CHECK_FALSE(oidc::base64url_decode("A+z/4AE").has_value());   // base64, not base64url
    CHECK_FALSE(oidc::base64url_decode("A-z_4AF").has_value());   // a low bit the value does not have
    CHECK_FALSE(oidc::base64url_decode("A").has_value());         // no whole byte
}

// Keyed pseudonyms: stable per key and domain, separated between domains and key versions.
#include <catch2/catch.hpp>

#include "eenplan/core/keyed_pseudonym.hpp"

using namespace eenplan;

namespace {
VersionedKey key(std::uint32_t version, std::uint8_t fill) { return {version, Bytes(32, fill)}; }
PersonNumber bsn(std::string_view digits) { return PersonNumber::parse(PersonNumberKind::bsn, digits, "/bsn").value(); }
}  // namespace

SCENARIO("keyed pseudonyms", "[identity]") {
    const auto k1 = key(1, 0x11);
    const auto child = bsn("111222333");

    THEN("the same number, key and domain give the same value, in the versioned format") {
        const auto p = keyed_pseudonym(k1, hub_domain, child);
        CHECK(p == keyed_pseudonym(k1, hub_domain, child));
        CHECK(p.starts_with("kp1:1:"));
        CHECK(p.size() == 6 + 32);
        CHECK(keyed_pseudonym_version(p) == 1);
        CHECK(p.find("111222333") == std::string::npos);
    }
    THEN("each domain gets an unrelated value") {
        CHECK(keyed_pseudonym(k1, "hub", child) != keyed_pseudonym(k1, "org:GM0518", child));
    }
    THEN("a new key version gives a new value") {
        CHECK(keyed_pseudonym(k1, hub_domain, child) != keyed_pseudonym(key(2, 0x22), hub_domain, child));
    }
    THEN("version parsing rejects other strings") {
        CHECK(keyed_pseudonym_version("kp2:1:abc") == 0);
        CHECK(keyed_pseudonym_version("kp1:x:abc") == 0);
        CHECK(keyed_pseudonym_version("kp1:12:abc") == 12);
    }
    THEN("short keys are refused") {
        CHECK_THROWS_AS(VersionedKey(1, Bytes(16, 1)), std::invalid_argument);
        CHECK_THROWS_AS(VersionedKey(0, Bytes(32, 1)), std::invalid_argument);
    }
}

TEST_CASE("keyed pseudonym test vector", "[identity]") {
    // Fixed vector: key = 32 bytes of 0x11, domain "hub", BSN 111222333.
    // Computed independently with: printf 'eenplan/v1|hub|bsn|111222333' |
    //   openssl dgst -sha256 -mac HMAC -macopt hexkey:1111...11 (first 20 bytes, base32).
    CHECK(keyed_pseudonym(key(1, 0x11), hub_domain, bsn("111222333")) == "kp1:1:36w4pn6xplsxy6x6uwrd3te4s7pzhpuh");
}

// Key rings and keyed pseudonyms: the shared vectors (HMAC from the openssl CLI), the fast
// pseudonymiser agreeing with keyed_pseudonym(), and the version chain across a key rotation.
#include <catch2/catch.hpp>

#include "eenplan/core/key_ring.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "identity_vectors.hpp"

using namespace eenplan;

namespace {
PersonNumber bsn(std::string_view digits) { return PersonNumber::parse(PersonNumberKind::bsn, digits, "/bsn").value(); }
}  // namespace

SCENARIO("keyed pseudonyms match the shared vectors", "[identity]") {
    const auto root = identity_test::vectors();
    for (const auto& v : identity_test::each(root, "keyed_pseudonym")) {
        const VersionedKey key(v->getValue<std::uint32_t>("version"), identity_test::bytes(v, "key"));
        const auto kind =
            identity_test::text(v, "kind") == "bsn" ? PersonNumberKind::bsn : PersonNumberKind::onderwijsnummer;
        const auto number = PersonNumber::parse(kind, identity_test::text(v, "digits"), "/n").value();
        const auto domain = identity_test::text(v, "domain");
        INFO("domain " << domain << ", version " << key.version());
        CHECK(keyed_pseudonym(key, domain, number) == identity_test::text(v, "pseudonym"));
        CHECK(KeyedPseudonymiser(key).pseudonym(domain, number) == identity_test::text(v, "pseudonym"));
    }
}

SCENARIO("the pseudonymiser follows RFC 2104 for keys longer than a block", "[identity]") {
    // A 100-byte key is hashed first; computed with:
    //   printf 'eenplan/v1|hub|bsn|111222333' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<"ab" x 100>
    const VersionedKey key(3, Bytes(100, 0xab));
    const auto p = KeyedPseudonymiser(key).pseudonym("hub", bsn("111222333"));
    CHECK(p.starts_with("kp1:3:"));
    CHECK(p == keyed_pseudonym(key, "hub", bsn("111222333")));
    CHECK(p == "kp1:3:nttfzrjymldlqt6jzvnys4nsikknjti2");
}

SCENARIO("key rings and the pseudonym chain", "[identity]") {
    const auto child = bsn("111222333");
    GIVEN("a ring with version 1 current") {
        const auto v1 = KeyRing::create({VersionedKey(1, Bytes(32, 0x11))}, 1).value();
        const auto stored = keyed_pseudonym(v1, hub_domain, child);
        THEN("new pseudonyms use the current key") { CHECK(stored == "kp1:1:36w4pn6xplsxy6x6uwrd3te4s7pzhpuh"); }
        WHEN("it rotates to version 2") {
            const auto v2 = v1.rotated(VersionedKey(2, Bytes(32, 0x22))).value();
            THEN("the stored value advances to version 2 without the number") {
                // Computed independently: HMAC-SHA256 with key 0x22 x 32 over "eenplan/v1|advance|"
                // and the 20 raw bytes of the version-1 value, with the openssl CLI.
                const auto advanced = advance_keyed_pseudonym(v2, stored);
                REQUIRE(advanced.ok());
                CHECK(advanced.value() == "kp1:2:udcpwwg663lhzexxgrveqdfp5tew2hgr");
                CHECK(v2.versions() == std::vector<std::uint32_t>{1, 2});
            }
            THEN("a new value for the same child equals the advanced stored one") {
                CHECK(keyed_pseudonym(v2, hub_domain, child) == advance_keyed_pseudonym(v2, stored).value());
                CHECK(keyed_pseudonym(v2, hub_domain, bsn("123456782")) != advance_keyed_pseudonym(v2, stored).value());
            }
            THEN("a value already on the current version is left as it is") {
                const auto current = keyed_pseudonym(v2, hub_domain, child);
                CHECK(advance_keyed_pseudonym(v2, current).value() == current);
            }
            THEN("a chain with a gap cannot advance, and a newer value is refused") {
                const auto v3 = v2.rotated(VersionedKey(3, Bytes(32, 0x33))).value().retired(2).value();
                CHECK_FALSE(advance_keyed_pseudonym(v3, stored).ok());
                CHECK_FALSE(advance_keyed_pseudonym(v1, keyed_pseudonym(v2, hub_domain, child)).ok());
            }
        }
        THEN("rotation must move forward, and the current key cannot be retired") {
            CHECK_FALSE(v1.rotated(VersionedKey(1, Bytes(32, 0x22))).ok());
            CHECK_FALSE(v1.retired(1).ok());
            CHECK_FALSE(v1.retired(9).ok());
        }
        THEN("only keyed pseudonyms advance") {
            CHECK_FALSE(advance_keyed_pseudonym(v1, "ppd1:abc").ok());
            CHECK_FALSE(KeyedPseudonymiser(VersionedKey(2, Bytes(32, 2))).advance("kp1:1:not-base32!").ok());
        }
    }
    THEN("a ring refuses repeated versions and a missing current key") {
        const auto repeated = KeyRing::create({VersionedKey(1, Bytes(32, 1)), VersionedKey(1, Bytes(32, 2))}, 1);
        REQUIRE_FALSE(repeated.ok());
        CHECK(repeated.problems().front().pointer == "/keys/1");
        CHECK_FALSE(KeyRing::create({VersionedKey(1, Bytes(32, 1))}, 2).ok());
        CHECK_FALSE(KeyRing::create({}, 1).ok());
    }
}

// Polymorphic pseudonyms: fixed vectors, the source -> key server -> recipient path, and the
// inputs that must be refused.
#include <catch2/catch.hpp>

#include "eenplan/core/polymorphic.hpp"
#include "identity_vectors.hpp"

using namespace eenplan;

namespace {

PersonNumber bsn(std::string_view digits) { return PersonNumber::parse(PersonNumberKind::bsn, digits, "/bsn").value(); }

p256::Scalar scalar(const Bytes& bytes) { return p256::Scalar::from_bytes(bytes, "/").value(); }

PolymorphicMasterKeys vector_master(const Poco::JSON::Object::Ptr& poly) {
    const auto master = poly->getObject("master");
    return PolymorphicMasterKeys::from_bytes(identity_test::bytes(master, "y"),
                                             identity_test::bytes(master, "reshuffle_secret"),
                                             identity_test::bytes(master, "rekey_secret"))
        .value();
}

// The ciphertext's 99 bytes, to tamper with.
Bytes raw(const PolymorphicCiphertext& ciphertext) { return base64_decode(ciphertext.to_string().substr(4)).value(); }
std::string text(const Bytes& raw_bytes) { return "pp1:" + base64_encode(raw_bytes); }

}  // namespace

SCENARIO("polymorphic pseudonyms match the shared vectors", "[identity]") {
    const auto root = identity_test::vectors();
    const auto poly = root->getObject("polymorphic");
    const auto master = vector_master(poly);
    const auto number = bsn(identity_test::text(poly, "digits"));

    THEN("the master public key is yG") {
        CHECK(master.public_key().to_bytes() == identity_test::bytes(poly, "public_key"));
    }
    WHEN("the source encrypts with the fixed r") {
        const auto ciphertext = encrypt_at_source(master.public_key(), number, scalar(identity_test::bytes(poly, "r")));
        THEN("the ciphertext is the vector's, and parses back to itself") {
            CHECK(ciphertext.to_string() == identity_test::text(poly, "ciphertext"));
            CHECK(ciphertext.to_string().size() == 4 + 132);
            const auto parsed = PolymorphicCiphertext::parse(ciphertext.to_string(), "/ct");
            REQUIRE(parsed.ok());
            CHECK(parsed.value() == ciphertext);
        }
        THEN("rerandomising with the fixed z gives the vector's ciphertext") {
            CHECK(rerandomise(ciphertext, scalar(identity_test::bytes(poly, "z"))).to_string() ==
                  identity_test::text(poly, "rerandomised"));
        }
        for (const auto& d : identity_test::each(poly, "domains")) {
            const std::string domain = identity_test::text(d, "domain");
            AND_WHEN("the key server reshuffles and rekeys it for " + domain) {
                const auto s = master.reshuffle_factor(domain);
                const auto k = master.rekey_factor(domain);
                const auto converted = reshuffle_rekey_for(master, ciphertext, domain);
                REQUIRE(converted.ok());
                THEN("factors, recipient key and ciphertext are the vector's") {
                    CHECK(hex_encode(s.to_bytes()) == identity_test::text(d, "reshuffle_factor"));
                    CHECK(hex_encode(k.to_bytes()) == identity_test::text(d, "rekey_factor"));
                    const auto recipient = RecipientKey::issue(master, domain);
                    CHECK(hex_encode(recipient.to_bytes()) == identity_test::text(d, "recipient_key"));
                    CHECK(recipient.public_key().to_bytes() == identity_test::bytes(d, "recipient_public_key"));
                    CHECK(converted->to_string() == identity_test::text(d, "reshuffled_rekeyed"));
                }
                THEN("it equals reshuffle then rekey, one step at a time") {
                    CHECK(rekey(reshuffle(ciphertext, s), k) == converted.value());
                }
                THEN("the recipient decrypts the direct pseudonym") {
                    const auto recipient =
                        RecipientKey::from_bytes(domain, identity_test::bytes(d, "recipient_key"), "/key").value();
                    const auto decrypted = decrypt(recipient, converted.value());
                    REQUIRE(decrypted.ok());
                    CHECK(decrypted.value() == identity_test::text(d, "direct_pseudonym"));
                    CHECK(direct_pseudonym(master, domain, number) == identity_test::text(d, "direct_pseudonym"));
                }
            }
        }
    }
}

SCENARIO("a pseudonym travels from source to recipient", "[identity]") {
    const auto master = PolymorphicMasterKeys::generate();
    const auto child = bsn("111222333");
    const auto hub = RecipientKey::issue(master, "hub");
    const auto gemeente = RecipientKey::issue(master, "org:GM0518");

    GIVEN("a school's encryption of a BSN") {
        const auto at_source = encrypt_at_source(master.public_key(), child);
        WHEN("the key server converts it for the hub and for a municipality") {
            const auto for_hub = reshuffle_rekey_for(master, at_source, "hub").value();
            const auto for_gemeente = reshuffle_rekey_for(master, at_source, "org:GM0518").value();
            THEN("each recipient decrypts its own domain's direct pseudonym") {
                CHECK(decrypt(hub, for_hub).value() == direct_pseudonym(master, "hub", child));
                CHECK(decrypt(gemeente, for_gemeente).value() == direct_pseudonym(master, "org:GM0518", child));
            }
            THEN("the two domains' pseudonyms differ, and none shows the number") {
                const auto a = decrypt(hub, for_hub).value();
                const auto b = decrypt(gemeente, for_gemeente).value();
                CHECK(a != b);
                CHECK(a.starts_with("ppd1:"));
                CHECK(a.size() == 5 + 32);
                CHECK(a.find("111222333") == std::string::npos);
            }
            THEN("a recipient cannot decrypt what was converted for another domain") {
                const auto refused = decrypt(hub, for_gemeente);
                REQUIRE_FALSE(refused.ok());
                CHECK(refused.problems().front().detail.find("\"hub\"") != std::string::npos);
                // Even with the key check bypassed (Y' overwritten), the hub gets a value that is
                // neither its own pseudonym of this child nor the municipality's.
                const PolymorphicCiphertext forged(for_gemeente.b(), for_gemeente.c(), hub.public_key());
                const auto garbage = decrypt(hub, forged).value();
                CHECK(garbage != direct_pseudonym(master, "hub", child));
                CHECK(garbage != direct_pseudonym(master, "org:GM0518", child));
            }
        }
        WHEN("it is rerandomised") {
            const auto again = rerandomise(at_source);
            THEN("the ciphertext differs but converts to the same pseudonym") {
                CHECK(again.to_string() != at_source.to_string());
                CHECK_FALSE(again.b() == at_source.b());
                CHECK(decrypt(hub, reshuffle_rekey_for(master, again, "hub").value()).value() ==
                      decrypt(hub, reshuffle_rekey_for(master, at_source, "hub").value()).value());
            }
        }
        WHEN("the same BSN is encrypted twice") {
            THEN("the ciphertexts differ (fresh r) but the pseudonyms agree") {
                const auto second = encrypt_at_source(master.public_key(), child);
                CHECK(second.to_string() != at_source.to_string());
                CHECK(decrypt(hub, reshuffle_rekey_for(master, second, "hub").value()).value() ==
                      direct_pseudonym(master, "hub", child));
            }
        }
    }
    THEN("another child, or another key server, gives another pseudonym") {
        CHECK(direct_pseudonym(master, "hub", child) != direct_pseudonym(master, "hub", bsn("123456782")));
        CHECK(direct_pseudonym(master, "hub", child) !=
              direct_pseudonym(PolymorphicMasterKeys::generate(), "hub", child));
    }
}

SCENARIO("a recipient key is rotated to a new version without changing the pseudonym", "[identity]") {
    const auto master = PolymorphicMasterKeys::generate();
    const auto child = bsn("111222333");
    const auto first = RecipientKey::issue(master, "hub");
    const auto second = RecipientKey::issue(master, "hub", 2);
    const auto at_source = encrypt_at_source(master.public_key(), child);
    const auto for_first = reshuffle_rekey_for(master, at_source, "hub").value();
    const auto for_second = reshuffle_rekey_for(master, at_source, "hub", 2).value();

    THEN("version 1 is the key issued without a version, and version 2 is another key") {
        CHECK(RecipientKey::issue(master, "hub", 1).to_bytes() == first.to_bytes());
        CHECK(second.to_bytes() != first.to_bytes());
    }
    THEN("each version opens its own conversions to the same pseudonym, and not the other's") {
        CHECK(decrypt(second, for_second).value() == decrypt(first, for_first).value());
        CHECK_FALSE(decrypt(first, for_second).ok());
        CHECK_FALSE(decrypt(second, for_first).ok());
    }
}

SCENARIO("garbled and tampered ciphertexts are refused", "[identity]") {
    const auto master = PolymorphicMasterKeys::generate();
    const auto hub = RecipientKey::issue(master, "hub");
    const auto ciphertext = encrypt_at_source(master.public_key(), bsn("111222333"));
    const Bytes good = raw(ciphertext);
    REQUIRE(good.size() == 99);

    auto refused = [](std::string_view candidate) {
        const auto parsed = PolymorphicCiphertext::parse(candidate, "/ciphertext");
        if (parsed.ok()) return false;
        CHECK(parsed.problems().front().pointer == "/ciphertext");
        return true;
    };

    THEN("the untouched text parses (so the refusals below are about the tampering)") {
        CHECK_FALSE(refused(text(good)));
    }
    THEN("a wrong prefix, bad base64 or a wrong length is refused") {
        CHECK(refused("pp2:" + ciphertext.to_string().substr(4)));
        CHECK(refused(ciphertext.to_string().substr(4)));
        CHECK(refused("pp1:%%%%" + ciphertext.to_string().substr(8)));
        CHECK(refused(text(Bytes(good.begin(), good.end() - 3))));
        Bytes longer = good;
        longer.insert(longer.end(), {1, 2, 3});
        CHECK(refused(text(longer)));
        CHECK(refused(""));
    }
    THEN("a point that is not on the curve is refused") {
        Bytes off_curve = good;
        // x = 1: 1 - 3 + b is not a square mod p, so no point has this x.
        std::fill(off_curve.begin() + 1, off_curve.begin() + 33, 0);
        off_curve[32] = 1;
        CHECK(refused(text(off_curve)));
        Bytes too_large = good;  // x >= p is not a field element
        std::fill(too_large.begin() + 34, too_large.begin() + 66, 0xff);
        CHECK(refused(text(too_large)));
    }
    THEN("the point at infinity and unknown encodings are refused") {
        Bytes infinity = good;
        std::fill(infinity.begin() + 33, infinity.begin() + 66, 0);
        CHECK(refused(text(infinity)));
        Bytes hybrid = good;
        hybrid[66] = 0x06;
        CHECK(refused(text(hybrid)));
    }
    THEN("a ciphertext under another public key is refused where a key is expected") {
        const auto other = PolymorphicMasterKeys::generate();
        const auto foreign = encrypt_at_source(other.public_key(), bsn("111222333"));
        CHECK_FALSE(PolymorphicCiphertext::parse(foreign.to_string(), master.public_key(), "/ct").ok());
        CHECK(PolymorphicCiphertext::parse(ciphertext.to_string(), master.public_key(), "/ct").ok());
        CHECK_FALSE(reshuffle_rekey_for(master, foreign, "hub").ok());
    }
    THEN("a source ciphertext that was never converted does not decrypt for a recipient") {
        CHECK_FALSE(decrypt(hub, ciphertext).ok());
    }
    THEN("a valid but altered component decrypts to a different pseudonym (malleability)") {
        // Documented limit: ElGamal has no integrity tag. Swapping B and C keeps valid points.
        Bytes swapped = good;
        std::swap_ranges(swapped.begin(), swapped.begin() + 33, swapped.begin() + 33);
        const auto altered = PolymorphicCiphertext::parse(text(swapped), "/ct");
        REQUIRE(altered.ok());
        const auto converted = reshuffle_rekey_for(master, altered.value(), "hub").value();
        CHECK(decrypt(hub, converted).value() != direct_pseudonym(master, "hub", bsn("111222333")));
    }
}

SCENARIO("polymorphic keys are checked when loaded", "[identity]") {
    const Bytes y(32, 0x01);
    const Bytes shuffle(32, 0x22);
    const Bytes rekey_secret(32, 0x33);
    THEN("valid material loads") { CHECK(PolymorphicMasterKeys::from_bytes(y, shuffle, rekey_secret).ok()); }
    THEN("y must be a scalar in [1, n-1]") {
        CHECK_FALSE(PolymorphicMasterKeys::from_bytes(Bytes(32, 0), shuffle, rekey_secret).ok());
        CHECK_FALSE(PolymorphicMasterKeys::from_bytes(Bytes(32, 0xff), shuffle, rekey_secret).ok());
        CHECK_FALSE(PolymorphicMasterKeys::from_bytes(Bytes(31, 0x01), shuffle, rekey_secret).ok());
    }
    THEN("secrets must be long enough and differ, and every problem is reported") {
        const auto short_secrets = PolymorphicMasterKeys::from_bytes(y, Bytes(16, 0x22), Bytes(16, 0x33));
        REQUIRE_FALSE(short_secrets.ok());
        CHECK(short_secrets.problems().size() == 2);
        CHECK_FALSE(PolymorphicMasterKeys::from_bytes(y, shuffle, shuffle).ok());
    }
    THEN("a public key round-trips and bad encodings are refused") {
        const auto master = PolymorphicMasterKeys::from_bytes(y, shuffle, rekey_secret).value();
        const Bytes encoded = master.public_key().to_bytes();
        CHECK(PolymorphicPublicKey::from_bytes(encoded, "/key").value() == master.public_key());
        CHECK_FALSE(PolymorphicPublicKey::from_bytes(Bytes(33, 0), "/key").ok());
        CHECK_FALSE(PolymorphicPublicKey::from_bytes(master.public_key().point().to_uncompressed_bytes(), "/key").ok());
    }
    THEN("recipient keys must be scalars") {
        CHECK_FALSE(RecipientKey::from_bytes("hub", Bytes(32, 0), "/key").ok());
        CHECK(RecipientKey::from_bytes("hub", Bytes(32, 0x07), "/key").ok());
    }
}

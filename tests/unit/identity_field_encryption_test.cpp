// Field encryption: AES-256-GCM bound to its record, readable across key rotation.
#include <catch2/catch.hpp>

#include "eenplan/core/field_encryption.hpp"
#include "identity_vectors.hpp"

using namespace eenplan;

namespace {

KeyRing ring_of(std::vector<VersionedKey> keys, std::uint32_t current) {
    return KeyRing::create(std::move(keys), current).value();
}

// The sealed value with one byte of its decoded body flipped, re-encoded.
std::string flipped(const std::string& sealed, std::size_t index) {
    const auto colon = sealed.rfind(':');
    Bytes body = base64_decode(sealed.substr(colon + 1)).value();
    body.at(index) ^= 0x01;
    return sealed.substr(0, colon + 1) + base64_encode(body);
}

}  // namespace

SCENARIO("field encryption matches the shared vectors", "[identity]") {
    const auto root = identity_test::vectors();
    for (const auto& v : identity_test::each(root, "field_encryption")) {
        const VersionedKey key(v->getValue<std::uint32_t>("version"), identity_test::bytes(v, "key"));
        const Bytes nonce = identity_test::bytes(v, "nonce");
        REQUIRE(nonce.size() == field_nonce_size);
        const std::string plaintext = identity_test::text(v, "plaintext");
        const std::string aad = identity_test::text(v, "associated_data");
        const std::string sealed = identity_test::text(v, "sealed");

        CHECK(encrypt_field(key, plaintext, aad, std::span<const std::uint8_t, 12>(nonce.data(), 12)) == sealed);
        const auto opened = decrypt_field(ring_of({key}, key.version()), sealed, aad);
        REQUIRE(opened.ok());
        CHECK(opened.value() == plaintext);
    }
}

SCENARIO("an encrypted field opens only for its own record", "[identity]") {
    const auto ring = ring_of({VersionedKey(1, Bytes(32, 0x44))}, 1);
    constexpr std::string_view aad = "pupil|4711|family_name";

    GIVEN("a family name sealed for pupil 4711") {
        const auto sealed = encrypt_field(ring, "Jansen", aad);
        THEN("it has the versioned format and does not show the name") {
            CHECK(sealed.starts_with("fe1:1:"));
            CHECK(field_key_version(sealed) == 1);
            CHECK(sealed.find("Jansen") == std::string::npos);
        }
        THEN("it opens with the same associated data") { CHECK(decrypt_field(ring, sealed, aad).value() == "Jansen"); }
        THEN("sealing again gives another value (fresh nonce)") { CHECK(encrypt_field(ring, "Jansen", aad) != sealed); }
        THEN("it does not open for another record, field or table") {
            for (std::string_view other :
                 {"pupil|4712|family_name", "pupil|4711|given_name", "parent|4711|family_name", ""}) {
                const auto refused = decrypt_field(ring, sealed, other, "/family_name");
                REQUIRE_FALSE(refused.ok());
                CHECK(refused.problems().front().pointer == "/family_name");
                CHECK(refused.problems().front().detail.find("Jansen") == std::string::npos);
            }
        }
        THEN("a changed nonce, ciphertext or tag is refused") {
            CHECK_FALSE(decrypt_field(ring, flipped(sealed, 0), aad).ok());   // nonce
            CHECK_FALSE(decrypt_field(ring, flipped(sealed, 12), aad).ok());  // ciphertext
            const auto last = base64_decode(sealed.substr(6)).value().size() - 1;
            CHECK_FALSE(decrypt_field(ring, flipped(sealed, last), aad).ok());  // tag
        }
        THEN("garbled text is refused") {
            CHECK_FALSE(decrypt_field(ring, "fe2" + sealed.substr(3), aad).ok());
            CHECK_FALSE(decrypt_field(ring, "fe1:x:" + sealed.substr(6), aad).ok());
            CHECK_FALSE(decrypt_field(ring, "fe1:1", aad).ok());
            CHECK_FALSE(decrypt_field(ring, "fe1:1:%%%%", aad).ok());
            CHECK_FALSE(decrypt_field(ring, "fe1:1:" + base64_encode(Bytes(27, 0)), aad).ok());
            CHECK(field_key_version("fe1:1") == 0);
        }
    }
    THEN("an empty value round-trips") {
        CHECK(decrypt_field(ring, encrypt_field(ring, "", aad), aad).value().empty());
    }
    THEN("keys of another length than 32 bytes are refused") {
        const auto long_ring = ring_of({VersionedKey(1, Bytes(48, 0x44))}, 1);
        CHECK_THROWS_AS(encrypt_field(long_ring, "Jansen", aad), std::invalid_argument);
    }
}

SCENARIO("field keys rotate without losing old values", "[identity]") {
    const auto v1 = ring_of({VersionedKey(1, Bytes(32, 0x44))}, 1);
    const auto old_value = encrypt_field(v1, "Jansen", "pupil|4711|family_name");

    WHEN("version 2 becomes current") {
        const auto v2 = v1.rotated(VersionedKey(2, Bytes(32, 0x55))).value();
        THEN("new values use version 2") {
            CHECK(field_key_version(encrypt_field(v2, "de Vries", "pupil|4712|family_name")) == 2);
        }
        THEN("values under version 1 still open") {
            CHECK(decrypt_field(v2, old_value, "pupil|4711|family_name").value() == "Jansen");
        }
        AND_WHEN("version 1 is retired") {
            const auto retired = v2.retired(1).value();
            THEN("its values are refused, naming the version") {
                const auto refused = decrypt_field(retired, old_value, "pupil|4711|family_name");
                REQUIRE_FALSE(refused.ok());
                CHECK(refused.problems().front().detail.find("version 1") != std::string::npos);
            }
        }
    }
    THEN("a value whose version the ring never held is refused") {
        const auto other = ring_of({VersionedKey(7, Bytes(32, 0x44))}, 7);
        CHECK_FALSE(decrypt_field(other, old_value, "pupil|4711|family_name").ok());
    }
    THEN("a value under the right version number but another key is refused") {
        const auto impostor = ring_of({VersionedKey(1, Bytes(32, 0x45))}, 1);
        CHECK_FALSE(decrypt_field(impostor, old_value, "pupil|4711|family_name").ok());
    }
}

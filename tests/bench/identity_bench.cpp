// Throughput of the identity cryptography on one core: keyed pseudonyms against plain
// HMAC-SHA256 as the peer figure, polymorphic pseudonyms, hash-to-curve, field encryption.
#include <benchmark/benchmark.h>

#include <array>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "eenplan/core/field_encryption.hpp"
#include "eenplan/core/hash_to_curve.hpp"
#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "eenplan/core/polymorphic.hpp"

using namespace eenplan;

namespace {

PersonNumber child() { return PersonNumber::parse(PersonNumberKind::bsn, "111222333", "/bsn").value(); }

const VersionedKey& pseudonym_key() {
    static const VersionedKey key(1, Bytes(32, 0x11));
    return key;
}

const PolymorphicMasterKeys& master() {
    static const PolymorphicMasterKeys keys = PolymorphicMasterKeys::generate();
    return keys;
}

// ---- peer figures: HMAC-SHA256 of 64 bytes, straight from OpenSSL ------------------------------

// EVP_MAC with the context reused and the key set per message: what `openssl speed -hmac` does.
void hmac_sha256_64_bytes(benchmark::State& state) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    EVP_MAC_CTX_set_params(ctx, params);
    const Bytes& key = pseudonym_key().secret();
    std::array<unsigned char, 64> message{};
    std::array<unsigned char, 32> out{};
    for (auto _ : state) {
        std::size_t length = 0;
        EVP_MAC_init(ctx, key.data(), key.size(), nullptr);
        EVP_MAC_update(ctx, message.data(), message.size());
        EVP_MAC_final(ctx, out.data(), &length, out.size());
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}
BENCHMARK(hmac_sha256_64_bytes);

// The one-shot HMAC() that keyed_pseudonym used before KeyedPseudonymiser.
void hmac_one_shot_64_bytes(benchmark::State& state) {
    const Bytes& key = pseudonym_key().secret();
    std::array<unsigned char, 64> message{};
    std::array<unsigned char, 32> out{};
    for (auto _ : state) {
        unsigned int length = 0;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), message.data(), message.size(), out.data(),
             &length);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(hmac_one_shot_64_bytes);

// ---- keyed pseudonyms --------------------------------------------------------------------------

// The HMAC key schedule done once per key; two SHA-256 compressions per pseudonym.
void keyed_pseudonymiser(benchmark::State& state) {
    const KeyedPseudonymiser pseudonymiser(pseudonym_key());
    const auto number = child();
    for (auto _ : state) benchmark::DoNotOptimize(pseudonymiser.pseudonym(hub_domain, number));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(keyed_pseudonymiser);

// keyed_pseudonym(key, ...): the key schedule redone for every call.
void keyed_pseudonym_per_call(benchmark::State& state) {
    const auto number = child();
    for (auto _ : state) benchmark::DoNotOptimize(keyed_pseudonym(pseudonym_key(), hub_domain, number));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(keyed_pseudonym_per_call);

// ---- polymorphic pseudonyms --------------------------------------------------------------------

void hash_to_curve_identity(benchmark::State& state) {
    const auto number = child();
    for (auto _ : state) benchmark::DoNotOptimize(identity_point(number));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(hash_to_curve_identity);

void polymorphic_encrypt_at_source(benchmark::State& state) {
    const auto number = child();
    for (auto _ : state) benchmark::DoNotOptimize(encrypt_at_source(master().public_key(), number));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(polymorphic_encrypt_at_source);

// Key server, per ciphertext: derive s_d and k_d (two HKDF-Expand), then convert.
void polymorphic_reshuffle_rekey_for(benchmark::State& state) {
    const auto ciphertext = encrypt_at_source(master().public_key(), child());
    for (auto _ : state) {
        benchmark::DoNotOptimize(reshuffle_rekey_for(master(), ciphertext, "org:GM0518"));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(polymorphic_reshuffle_rekey_for);

// The two steps separately with factors already derived: three variable-base multiplications.
void polymorphic_reshuffle_then_rekey(benchmark::State& state) {
    const auto ciphertext = encrypt_at_source(master().public_key(), child());
    const auto s = master().reshuffle_factor("org:GM0518");
    const auto k = master().rekey_factor("org:GM0518");
    for (auto _ : state) benchmark::DoNotOptimize(rekey(reshuffle(ciphertext, s), k));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(polymorphic_reshuffle_then_rekey);

void polymorphic_rerandomise(benchmark::State& state) {
    const auto ciphertext = encrypt_at_source(master().public_key(), child());
    for (auto _ : state) benchmark::DoNotOptimize(rerandomise(ciphertext));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(polymorphic_rerandomise);

void polymorphic_decrypt(benchmark::State& state) {
    const auto recipient = RecipientKey::issue(master(), "org:GM0518");
    const auto ciphertext =
        reshuffle_rekey_for(master(), encrypt_at_source(master().public_key(), child()), "org:GM0518").value();
    for (auto _ : state) benchmark::DoNotOptimize(decrypt(recipient, ciphertext));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(polymorphic_decrypt);

void polymorphic_direct_pseudonym(benchmark::State& state) {
    const auto number = child();
    for (auto _ : state) benchmark::DoNotOptimize(direct_pseudonym(master(), "org:GM0518", number));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(polymorphic_direct_pseudonym);

// Parsing pays a square root per compressed point (three per ciphertext).
void polymorphic_parse(benchmark::State& state) {
    const auto text = encrypt_at_source(master().public_key(), child()).to_string();
    for (auto _ : state) benchmark::DoNotOptimize(PolymorphicCiphertext::parse(text, "/ct"));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(polymorphic_parse);

// ---- field encryption --------------------------------------------------------------------------

void field_encrypt_64_bytes(benchmark::State& state) {
    const auto ring = KeyRing::create({VersionedKey(1, Bytes(32, 0x44))}, 1).value();
    const std::string plaintext(64, 'x');
    for (auto _ : state) {
        benchmark::DoNotOptimize(encrypt_field(ring, plaintext, "pupil|4711|family_name"));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(field_encrypt_64_bytes);

void field_decrypt_64_bytes(benchmark::State& state) {
    const auto ring = KeyRing::create({VersionedKey(1, Bytes(32, 0x44))}, 1).value();
    const auto sealed = encrypt_field(ring, std::string(64, 'x'), "pupil|4711|family_name");
    for (auto _ : state) {
        benchmark::DoNotOptimize(decrypt_field(ring, sealed, "pupil|4711|family_name"));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(field_decrypt_64_bytes);

}  // namespace

BENCHMARK_MAIN();

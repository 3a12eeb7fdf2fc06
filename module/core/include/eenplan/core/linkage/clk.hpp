// Cryptographic long-term keys (CLKs): one 1024-bit Bloom filter per record into which the q-grams
// of every linkage field are hashed with a secret key, so that records can be compared by bit
// overlap without the names themselves (Schnell, Bachteler, Reiher 2009, "Privacy-preserving
// record linkage using Bloom filters", BMC Med Inform Decis Mak 9:41; Schnell, Bachteler, Reiher
// 2011, "A novel error-tolerant anonymous linking code", the CLK).
//
// Tokens per field (ClkParameters sets how many bit positions each token sets, its weight k):
//   family core      padded bigrams of "_berg_"                                  k = 20
//   family prefix    one token for the whole tussenvoegsel ("van der")           k =  4
//   first given name padded bigrams                                              k = 20
//   other given names padded bigrams                                             k =  2
//   birth date       year, month, day, and the unordered pair {day, month}      k = 20 each
//                    (the pair keeps half the date's bits when a source swaps day and month)
//   postcode         PC4 and PC6 tokens                                          k =  8 each
// Names and the date carry most bits because they identify; the date is what tells apart two
// children with the same name, so it weighs as much as a name. The postcode changes when a family
// moves, the prefix is often dropped and many sources send only the first given name, so those
// carry few bits. The weights were chosen on the synthetic population with seed 1
// (docs/benchmarks/linkage.md).
//
// Bit positions: per field a key is derived from the master key (HMAC-SHA256(key,
// "eenplan/pprl/v1|clk|<field>")), and each token t gives HMAC-SHA256(field key, t || j) for
// j = 0, 1, ...; every 16-bit word of that digest, modulo 1024, is one position. This is the
// "random hashing" of Niedermeyer et al. 2014 ("Cryptanalysis of basic Bloom filters used for
// privacy preserving record linkage", J Priv Confid 6(2)) rather than double hashing h1 + i·h2: the
// arithmetic structure of double hashing is what their attack and Kroll & Steinmetzer 2015 exploit
// to recover q-grams from bit positions. Separate field keys keep a bigram of the given name from
// setting the same bits as that bigram in the family name.
//
// Known attacks and what is done about them:
//   - Frequency and pattern-mining attacks (Kuzu et al. 2011; Christen, Ranbaduge, Vatsalan,
//     Schnell 2018, "Precise and fast cryptanalysis for Bloom filter based privacy-preserving record
//     linkage", IEEE TKDE) align frequent bit patterns with frequent names and need no key. They
//     work best on single-field filters; a CLK mixes four fields, which makes them harder, not
//     impossible. Mitigated here only by keeping CLKs inside the hub (never published, stored like
//     pseudonyms) and by re-encoding under a new key on rotation (key version in the evidence).
//   - Not done: balanced Bloom filters or XOR-folding (Schnell, Borgs, Encheva 2016; Schnell 2015),
//     salting per record with the birth year (Niedermeyer 2014) — the first two cost linkage
//     quality, salting makes a wrong year unrecoverable; and no differential-privacy bit flipping.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <string_view>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/linkage/attributes.hpp"

namespace eenplan::linkage {

inline constexpr std::size_t clk_bits = 1024;
inline constexpr std::size_t clk_words = clk_bits / 64;

// The filter and its popcount, cached because every Dice comparison needs it.
struct Clk {
    std::array<std::uint64_t, clk_words> words{};
    std::uint32_t popcount = 0;

    void set(std::size_t bit) noexcept { words[bit / 64] |= std::uint64_t{1} << (bit % 64); }
    [[nodiscard]] bool test(std::size_t bit) const noexcept { return (words[bit / 64] >> (bit % 64)) & 1U; }
    // Recounts after the words were set by hand.
    void recount() noexcept {
        popcount = 0;
        for (std::uint64_t w : words) popcount += static_cast<std::uint32_t>(std::popcount(w));
    }
    friend bool operator==(const Clk&, const Clk&) = default;
};

struct ClkParameters {
    unsigned family_core_k = 20;
    unsigned family_prefix_k = 4;
    unsigned given_first_k = 20;
    unsigned given_rest_k = 2;
    unsigned birth_date_k = 20;  // per date token
    unsigned postcode_k = 8;     // per postcode token
};

class ClkEncoder {
public:
    // The key must be secret and the same on every node that compares the CLKs.
    explicit ClkEncoder(const VersionedKey& key, ClkParameters parameters = {});
    ClkEncoder(ClkEncoder&&) noexcept;
    ClkEncoder& operator=(ClkEncoder&&) noexcept;
    ~ClkEncoder();

    [[nodiscard]] Clk encode(const NormalisedAttributes& attributes) const;
    [[nodiscard]] Clk encode(const LinkageAttributes& attributes) const { return encode(normalise(attributes)); }
    [[nodiscard]] std::uint32_t key_version() const noexcept { return key_version_; }
    [[nodiscard]] const ClkParameters& parameters() const noexcept { return parameters_; }

private:
    struct Fields;
    std::uint32_t key_version_;
    ClkParameters parameters_;
    std::unique_ptr<Fields> fields_;
};

}  // namespace eenplan::linkage

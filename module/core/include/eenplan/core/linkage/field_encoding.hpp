// Field-level keyed encodings: one keyed Bloom filter per name field and keyed tokens of the
// exact values and of the birth date's error variants, so that each attribute can be compared on
// its own (agree / near / partial / disagree / missing) without the plaintext. A record-level CLK
// (clk.hpp) mixes all fields, so a long agreeing name can outweigh a birth date that disagrees
// completely; per-field levels let a Fellegi–Sunter model (fellegi_sunter.hpp) weigh them apart
// (Schnell 2015, field-level Bloom filters; Vatsalan, Christen et al. 2013, attribute-level PPRL).
//
// Per field, under a key derived from the linkage master key ("field|<name>"):
//   family name     512-bit Bloom filter of padded bigrams of the core name (k = 8) + a token of
//                   the core name (term frequencies count these tokens)
//   first given     the same for the first given name
//   other given     the same for the further given names (missing when a source sends only one)
//   birth date      tokens of the date, of the date with day and month swapped, of the date with
//                   one component masked (year, month, day: one component wrong agrees on one of
//                   them) and with one digit masked (8 tokens: one digit off agrees on one of them)
//   postcode        tokens of the PC6 and of the PC4
// A token is the first 8 bytes of HMAC-SHA256(field key, value). Tokens of equal values are equal,
// which is what comparison and term-frequency counts need; it also means the store shows how
// common a value is (the frequency caveat of docs/benchmarks/linkage.md applies to them as to CLKs).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/linkage/attributes.hpp"

namespace eenplan::linkage {

inline constexpr std::size_t field_filter_words = 8;  // 512 bits

struct FieldFilter {
    std::array<std::uint64_t, field_filter_words> words{};
    [[nodiscard]] std::uint32_t popcount() const noexcept {
        std::uint32_t n = 0;
        for (std::uint64_t w : words) n += static_cast<std::uint32_t>(std::popcount(w));
        return n;
    }
    [[nodiscard]] bool empty() const noexcept { return popcount() == 0; }
    friend bool operator==(const FieldFilter&, const FieldFilter&) = default;
};

// 0 when either is empty.
[[nodiscard]] double dice(const FieldFilter& a, const FieldFilter& b) noexcept;

// A keyed token; 0 means "no value" (a real token of 0 is mapped to 1).
using FieldToken = std::uint64_t;

struct FieldEncoding {
    FieldFilter family;
    FieldFilter given_first;
    FieldFilter given_rest;
    FieldToken family_token = 0;
    FieldToken given_first_token = 0;
    FieldToken given_rest_token = 0;
    FieldToken date = 0;
    FieldToken date_swapped = 0;                    // day and month exchanged (0 when they are equal)
    std::array<FieldToken, 3> date_masked{};        // year, month, day masked
    std::array<FieldToken, 8> date_digit_masked{};  // digit i of YYYYMMDD masked
    FieldToken pc6 = 0;
    FieldToken pc4 = 0;

    [[nodiscard]] bool present() const noexcept {
        return family_token != 0 || given_first_token != 0 || date != 0 || pc4 != 0;
    }
    friend bool operator==(const FieldEncoding&, const FieldEncoding&) = default;
};

// Lower-case hex of the fixed layout (filters, then tokens, little-endian words), for storage.
[[nodiscard]] std::string to_hex(const FieldEncoding& encoding);
[[nodiscard]] std::optional<FieldEncoding> field_encoding_from_hex(std::string_view hex);

class FieldEncoder {
public:
    explicit FieldEncoder(const VersionedKey& key);
    FieldEncoder(FieldEncoder&&) noexcept;
    FieldEncoder& operator=(FieldEncoder&&) noexcept;
    ~FieldEncoder();

    [[nodiscard]] FieldEncoding encode(const NormalisedAttributes& attributes) const;

private:
    struct Keys;
    std::unique_ptr<Keys> keys_;
};

// The fields compared, in evidence order.
enum class Field : std::uint8_t { family_name, given_first, given_rest, birth_date, postcode };
inline constexpr std::size_t field_count = 5;
std::string_view to_string(Field field);

// The comparison levels, finest first. Names (by the Dice of their filters when the tokens
// differ): agree = equal value; near >= 0.8; partial >= 0.6; weak >= 0.4; disagree below.
// Birth date: agree; near = day and month swapped; partial = one digit off; weak = exactly one
// of year, month, day wrong (by more than one digit); disagree. Postcode: agree = same PC6;
// near = same PC4 area; disagree. missing: either side lacks the field (weight 0). Each level has
// its own m and u (fellegi_sunter.hpp): a date one digit off is weak evidence, a date with two
// components wrong strong evidence against; a move (postcode disagrees) is common and weighs little.
enum class Level : std::uint8_t { agree, near, partial, weak, disagree, missing };
inline constexpr std::size_t level_count = 6;
std::string_view to_string(Level level);

struct FieldComparison {
    std::array<Level, field_count> levels{};
    std::array<float, field_count> similarity{};  // Dice for names, 1/0.75/0.5/0.25/0 for date and postcode
    // What kind of near/partial the date was: "swapped", "digit", "year", "month", "day" or empty.
    std::string_view date_pattern;
};

[[nodiscard]] FieldComparison compare(const FieldEncoding& query, const FieldEncoding& candidate) noexcept;

}  // namespace eenplan::linkage

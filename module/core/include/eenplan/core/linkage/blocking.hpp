// Blocking: which stored records a new record is compared with at all. Comparing every pair is
// quadratic; each blocking pass groups records by a key, and the candidates of a record are the
// union over passes of the records that share a key with it (Christen 2012, "A survey of indexing
// techniques for scalable record linkage and deduplication", IEEE TKDE 24(9)). Passes:
//   0  birth date with day and month unordered  (catches any name typo and a day/month swap)
//   1  birth year + phonetic code of the family core name  (catches a wrong day or month)
//   2  PC6 postcode + birth year  (catches a wrong date together with a garbled family name)
//   3  phonetic codes of the family core name and the first given name  (catches a mistyped
//      birth year, which defeats the three passes above)
// A pass whose fields are missing gives no key. The keys are the first 8 bytes of
// HMAC-SHA256(blocking key, "pass|value") under a key derived from the master key, so the hub keeps
// no plaintext blocking values; equal values still give equal keys, so block sizes (how common a
// name is) remain visible to whoever holds the index — the same frequency caveat as for CLKs.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/linkage/attributes.hpp"

namespace eenplan::linkage {

inline constexpr std::size_t blocking_passes = 4;

struct BlockingKeys {
    std::array<std::uint64_t, blocking_passes> keys{};
    std::uint8_t present = 0;  // bit p set when pass p has a key

    [[nodiscard]] bool has(std::size_t pass) const noexcept { return (present >> pass) & 1U; }
    friend bool operator==(const BlockingKeys&, const BlockingKeys&) = default;
};

// A Soundex-like code (Russell/Odell 1918) adapted to Dutch spelling: "ij", "ei", "y" are one
// vowel sound; "sch"→s, "ch"→g, "ph"→f, "c" before a/o/u→k, "dt" and final "d"→t; the first letter
// is coded by its class too (so "Kuipers"/"Cuipers" agree), then up to three consonant classes.
std::string dutch_phonetic_code(std::string_view folded_core_name);

class BlockingKeyer {
public:
    explicit BlockingKeyer(const VersionedKey& key);
    BlockingKeyer(BlockingKeyer&&) noexcept;
    BlockingKeyer& operator=(BlockingKeyer&&) noexcept;
    ~BlockingKeyer();

    [[nodiscard]] BlockingKeys keys(const NormalisedAttributes& attributes) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace eenplan::linkage

// CLK encoding (determinism, key separation) and the Dice coefficient on every popcount path.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "eenplan/core/linkage/clk.hpp"
#include "eenplan/core/linkage/dice.hpp"

using namespace eenplan;
using namespace eenplan::linkage;

namespace {

const LinkageAttributes zoe{"van der Berg", "Zoë Maria", "2015-07-04", "2511AB"};

VersionedKey key(std::uint8_t fill, std::uint32_t version = 1) { return VersionedKey(version, Bytes(32, fill)); }

// The definition, bit by bit: no popcount instruction, no word tricks.
std::uint32_t reference_and_count(const Clk& a, const Clk& b) {
    std::uint32_t n = 0;
    for (std::size_t bit = 0; bit < clk_bits; ++bit) n += a.test(bit) && b.test(bit);
    return n;
}

std::vector<Clk> random_clks(std::size_t n, std::uint64_t seed, std::uint64_t density_mask_rounds) {
    std::mt19937_64 random(seed);
    std::vector<Clk> out(n);
    for (Clk& clk : out) {
        for (std::uint64_t& w : clk.words) {
            w = random();
            for (std::uint64_t r = 0; r < density_mask_rounds; ++r) w &= random();
        }
        clk.recount();
    }
    return out;
}

std::vector<PopcountPath> supported_paths() {
    std::vector<PopcountPath> out;
    for (auto p : {PopcountPath::portable, PopcountPath::popcnt, PopcountPath::avx2, PopcountPath::avx512_vpopcntdq}) {
        if (supported(p)) out.push_back(p);
    }
    return out;
}

}  // namespace

TEST_CASE("a CLK depends only on the key and the normalised attributes", "[record]") {
    const ClkEncoder a(key(1));
    const ClkEncoder b(key(1));
    const Clk first = a.encode(zoe);
    CHECK(first == a.encode(zoe));
    CHECK(first == b.encode(zoe));
    // Different spellings of the same attributes normalise alike and so encode alike.
    CHECK(first == a.encode(LinkageAttributes{"BERG, VAN DER", "zoe maria", "04-07-2015", "2511 ab"}));
    // Bits are set, but far from all: a 1024-bit filter with ~25 tokens.
    CHECK(first.popcount > 150);
    CHECK(first.popcount < 600);
    Clk recount = first;
    recount.recount();
    CHECK(recount.popcount == first.popcount);
}

TEST_CASE("a different key gives an unrelated filter", "[record]") {
    const Clk one = ClkEncoder(key(1)).encode(zoe);
    const Clk two = ClkEncoder(key(2)).encode(zoe);
    CHECK(one != two);
    // Two independent filters with fill f overlap in about f^2 of the bits, so their Dice is
    // about f; the same record under the same key scores 1.
    const double fill = one.popcount / double(clk_bits);
    CHECK(dice(one, one) == 1.0);
    CHECK(dice(one, two) < fill + 0.12);
    // The key version is carried, not mixed in: same secret, other version, same filter.
    CHECK(ClkEncoder(key(1, 7)).encode(zoe) == one);
    CHECK(ClkEncoder(key(1, 7)).key_version() == 7);
}

TEST_CASE("the weights decide how far a difference moves the score", "[record]") {
    const ClkEncoder encoder(key(3));
    const Clk base = encoder.encode(zoe);
    const double typo =
        dice(base, encoder.encode(LinkageAttributes{"van der Burg", "Zoë Maria", "2015-07-04", "2511AB"}));
    const double other_child =
        dice(base, encoder.encode(LinkageAttributes{"van der Berg", "Daan", "2013-02-19", "2511AB"}));
    const double moved =
        dice(base, encoder.encode(LinkageAttributes{"van der Berg", "Zoë Maria", "2015-07-04", "2283XK"}));
    const double first_only =
        dice(base, encoder.encode(LinkageAttributes{"van der Berg", "Zoë", "2015-07-04", "2511AB"}));
    CHECK(typo > 0.8);
    CHECK(typo < 1.0);
    CHECK(moved > 0.9);
    CHECK(first_only > 0.9);
    CHECK(other_child < 0.6);
    // Zero weight removes a field.
    ClkParameters no_postcode;
    no_postcode.postcode_k = 0;
    const ClkEncoder without(key(3), no_postcode);
    CHECK(without.encode(zoe) == without.encode(LinkageAttributes{"van der Berg", "Zoë Maria", "2015-07-04", ""}));
}

TEST_CASE("an empty record gives an empty filter, and Dice of two empty filters is 0", "[record]") {
    const Clk empty = ClkEncoder(key(1)).encode(LinkageAttributes{});
    CHECK(empty.popcount == 0);
    CHECK(dice(empty, empty) == 0.0);
}

TEST_CASE("every popcount path counts exactly as the bit-by-bit definition", "[record]") {
    const auto paths = supported_paths();
    REQUIRE(paths.front() == PopcountPath::portable);
    CHECK(supported(best_popcount_path()));
    INFO("best path: " << to_string(best_popcount_path()) << ", paths: " << paths.size());
    // Sparse, CLK-like, dense and full filters, including all-ones (the AVX2 byte counters'
    // worst case) and all-zeros.
    std::vector<Clk> clks;
    for (std::uint64_t rounds : {0, 1, 2, 4}) {
        const auto more = random_clks(64, 100 + rounds, rounds);
        clks.insert(clks.end(), more.begin(), more.end());
    }
    Clk ones;
    ones.words.fill(~std::uint64_t{0});
    ones.recount();
    REQUIRE(ones.popcount == clk_bits);
    clks.push_back(ones);
    clks.push_back(Clk{});

    for (const Clk& q : {clks[3], clks[70], clks[200], ones}) {
        for (const Clk& c : clks) {
            const std::uint32_t expected = reference_and_count(q, c);
            for (PopcountPath p : paths) {
                INFO(to_string(p));
                REQUIRE(and_popcount(q, c, p) == expected);
            }
            CHECK(and_popcount(q, c) == expected);
            const std::uint32_t sum = q.popcount + c.popcount;
            CHECK(dice(q, c) == (sum == 0 ? 0.0 : 2.0 * expected / sum));
        }
        std::vector<float> reference(clks.size());
        for (std::size_t i = 0; i < clks.size(); ++i) {
            const std::uint32_t sum = q.popcount + clks[i].popcount;
            reference[i] =
                sum == 0 ? 0.0F : static_cast<float>(2 * reference_and_count(q, clks[i])) / static_cast<float>(sum);
        }
        std::vector<std::uint32_t> indices;
        for (std::uint32_t i = 0; i < clks.size(); i += 3) indices.push_back(i);
        for (PopcountPath p : paths) {
            INFO(to_string(p));
            std::vector<float> scores(clks.size(), -1.0F);
            dice_batch(q, clks, scores, p);
            CHECK(scores == reference);
            std::vector<float> gathered(indices.size(), -1.0F);
            dice_batch(q, clks, indices, gathered, p);
            for (std::size_t i = 0; i < indices.size(); ++i) CHECK(gathered[i] == reference[indices[i]]);
        }
        std::vector<ScoredCandidate> above;
        dice_above(q, clks, 0.5F, above);
        std::vector<ScoredCandidate> expected_above;
        for (std::uint32_t i = 0; i < clks.size(); ++i) {
            if (reference[i] >= 0.5F) expected_above.push_back({i, reference[i]});
        }
        CHECK(above == expected_above);
    }
}

TEST_CASE("dice_batch refuses mismatched sizes, bad indices and unsupported paths", "[record]") {
    const auto clks = random_clks(4, 1, 1);
    std::vector<float> three(3);
    CHECK_THROWS_AS(dice_batch(clks[0], clks, three), std::invalid_argument);
    const std::vector<std::uint32_t> bad{0, 4};
    std::vector<float> two(2);
    CHECK_THROWS_AS(dice_batch(clks[0], clks, bad, two), std::invalid_argument);
    for (auto p : {PopcountPath::popcnt, PopcountPath::avx2, PopcountPath::avx512_vpopcntdq}) {
        if (!supported(p)) {
            std::vector<float> four(4);
            CHECK_THROWS_AS(dice_batch(clks[0], clks, four, p), std::invalid_argument);
            CHECK_THROWS_AS(and_popcount(clks[0], clks[1], p), std::invalid_argument);
        }
    }
    CHECK(to_string(PopcountPath::avx2) == "avx2");
}

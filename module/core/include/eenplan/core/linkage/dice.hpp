// The Dice coefficient of two CLKs, 2·|A∧B| / (|A| + |B|), with |A| and |B| cached in the Clk so
// that a comparison is 16 ANDs and one popcount of 1024 bits. Comparison is the inner loop of
// linkage (every candidate pair), so it has four implementations chosen at run time:
//   portable          std::popcount as the compiler builds it for plain x86-64 (no POPCNT: a
//                     SWAR bit count), and on every other architecture
//   popcnt            the POPCNT instruction, 16 per comparison (SSE4.2-era x86-64, 2008 on)
//   avx2              Muła, Kurz, Lemire 2018 ("Faster population counts using AVX2
//                     instructions", Comput J 61(1)): VPSHUFB nibble lookup + VPSADBW, 4 ymm
//   avx512_vpopcntdq  VPOPCNTQ on 2 zmm (Ice Lake, Zen 4 and later)
// Each is compiled with __attribute__((target(...))) so the library runs on any x86-64; the best
// path the CPU supports (__builtin_cpu_supports) is picked once. Scores are identical across paths.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "eenplan/core/linkage/clk.hpp"

namespace eenplan::linkage {

enum class PopcountPath { portable, popcnt, avx2, avx512_vpopcntdq };

std::string_view to_string(PopcountPath path);
[[nodiscard]] bool supported(PopcountPath path) noexcept;
// The fastest supported path; what the functions without a path argument use.
[[nodiscard]] PopcountPath best_popcount_path() noexcept;

// 0 when both are empty.
[[nodiscard]] double dice(const Clk& a, const Clk& b) noexcept;
[[nodiscard]] std::uint32_t and_popcount(const Clk& a, const Clk& b) noexcept;
// |A∧B| on one given path; throws std::invalid_argument when the CPU does not support it.
[[nodiscard]] std::uint32_t and_popcount(const Clk& a, const Clk& b, PopcountPath path);

// scores[i] = dice(query, candidates[i]); scores.size() must equal candidates.size().
// Throws std::invalid_argument for a size mismatch or an unsupported path.
void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<float> scores);
void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<float> scores, PopcountPath path);
// The same over candidates[indices[i]]: the gather that blocking produces.
void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<const std::uint32_t> indices,
                std::span<float> scores);
void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<const std::uint32_t> indices,
                std::span<float> scores, PopcountPath path);

struct ScoredCandidate {
    std::uint32_t index;
    float score;
    friend bool operator==(const ScoredCandidate&, const ScoredCandidate&) = default;
};
// Appends every candidate with a score >= threshold to `out`, in index order.
void dice_above(const Clk& query, std::span<const Clk> candidates, float threshold, std::vector<ScoredCandidate>& out);

}  // namespace eenplan::linkage

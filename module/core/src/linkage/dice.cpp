#include "eenplan/core/linkage/dice.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <stdexcept>

#if defined(__x86_64__) || defined(__i386__)
#define EENPLAN_X86 1
#include <immintrin.h>
#endif

namespace eenplan::linkage {
namespace {

inline float score_of(std::uint32_t both, std::uint32_t a, std::uint32_t b) {
    const std::uint32_t sum = a + b;
    return sum == 0 ? 0.0F : static_cast<float>(2 * both) / static_cast<float>(sum);
}

std::uint32_t and_count_portable(const std::uint64_t* a, const std::uint64_t* b) {
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < clk_words; ++i) n += static_cast<std::uint32_t>(std::popcount(a[i] & b[i]));
    return n;
}

#ifdef EENPLAN_X86
__attribute__((target("popcnt"))) inline std::uint32_t and_count_popcnt(const std::uint64_t* a,
                                                                        const std::uint64_t* b) {
    // Four accumulators so the adds do not serialise on one register.
    std::uint64_t n0 = 0, n1 = 0, n2 = 0, n3 = 0;
    for (std::size_t i = 0; i < clk_words; i += 4) {
        n0 += static_cast<std::uint64_t>(__builtin_popcountll(a[i] & b[i]));
        n1 += static_cast<std::uint64_t>(__builtin_popcountll(a[i + 1] & b[i + 1]));
        n2 += static_cast<std::uint64_t>(__builtin_popcountll(a[i + 2] & b[i + 2]));
        n3 += static_cast<std::uint64_t>(__builtin_popcountll(a[i + 3] & b[i + 3]));
    }
    return static_cast<std::uint32_t>(n0 + n1 + n2 + n3);
}

__attribute__((target("avx2"))) inline std::uint32_t and_count_avx2(const std::uint64_t* a, const std::uint64_t* b) {
    // Muła et al.: popcount of each nibble by table lookup (VPSHUFB), byte sums by VPSADBW.
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                           2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0F);
    __m256i bytes = _mm256_setzero_si256();
    for (std::size_t i = 0; i < clk_words; i += 4) {
        const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
        const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
        const __m256i v = _mm256_and_si256(va, vb);
        const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(v, low));
        const __m256i hi = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
        bytes = _mm256_add_epi8(bytes, _mm256_add_epi8(lo, hi));  // at most 4 * 8 = 32 per byte
    }
    const __m256i sums = _mm256_sad_epu8(bytes, _mm256_setzero_si256());
    const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
    return static_cast<std::uint32_t>(_mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1));
}

__attribute__((target("avx512f,avx512vpopcntdq"))) inline std::uint32_t and_count_avx512(const std::uint64_t* a,
                                                                                         const std::uint64_t* b) {
    const __m512i v0 = _mm512_and_si512(_mm512_loadu_si512(a), _mm512_loadu_si512(b));
    const __m512i v1 = _mm512_and_si512(_mm512_loadu_si512(a + 8), _mm512_loadu_si512(b + 8));
    const __m512i n = _mm512_add_epi64(_mm512_popcnt_epi64(v0), _mm512_popcnt_epi64(v1));
    // Horizontal sum through memory: GCC 12's _mm512_reduce_add_epi64 trips -Wuninitialized on
    // its own _mm256_undefined_si256, and the compiler folds this into the same shuffles.
    alignas(64) std::array<std::uint64_t, 8> lanes;
    _mm512_store_si512(lanes.data(), n);
    std::uint64_t total = 0;
    for (std::uint64_t lane : lanes) total += lane;
    return static_cast<std::uint32_t>(total);
}
#endif

// One batch loop per path, so the count is inlined into a loop compiled for that target.
template <typename Count>
inline void batch_loop(const Clk& q, std::span<const Clk> c, std::span<float> s, Count count) {
    for (std::size_t i = 0; i < c.size(); ++i) {
        s[i] = score_of(count(q.words.data(), c[i].words.data()), q.popcount, c[i].popcount);
    }
}
template <typename Count>
inline void gather_loop(const Clk& q, std::span<const Clk> c, std::span<const std::uint32_t> idx, std::span<float> s,
                        Count count) {
    for (std::size_t i = 0; i < idx.size(); ++i) {
        const Clk& other = c[idx[i]];
        s[i] = score_of(count(q.words.data(), other.words.data()), q.popcount, other.popcount);
    }
}

void batch_portable(const Clk& q, std::span<const Clk> c, std::span<float> s) {
    batch_loop(q, c, s, and_count_portable);
}
void gather_portable(const Clk& q, std::span<const Clk> c, std::span<const std::uint32_t> i, std::span<float> s) {
    gather_loop(q, c, i, s, and_count_portable);
}
#ifdef EENPLAN_X86
__attribute__((target("popcnt"))) void batch_popcnt(const Clk& q, std::span<const Clk> c, std::span<float> s) {
    for (std::size_t i = 0; i < c.size(); ++i)
        s[i] = score_of(and_count_popcnt(q.words.data(), c[i].words.data()), q.popcount, c[i].popcount);
}
__attribute__((target("popcnt"))) void gather_popcnt(const Clk& q, std::span<const Clk> c,
                                                     std::span<const std::uint32_t> idx, std::span<float> s) {
    for (std::size_t i = 0; i < idx.size(); ++i) {
        const Clk& o = c[idx[i]];
        s[i] = score_of(and_count_popcnt(q.words.data(), o.words.data()), q.popcount, o.popcount);
    }
}
__attribute__((target("avx2"))) void batch_avx2(const Clk& q, std::span<const Clk> c, std::span<float> s) {
    for (std::size_t i = 0; i < c.size(); ++i)
        s[i] = score_of(and_count_avx2(q.words.data(), c[i].words.data()), q.popcount, c[i].popcount);
}
__attribute__((target("avx2"))) void gather_avx2(const Clk& q, std::span<const Clk> c,
                                                 std::span<const std::uint32_t> idx, std::span<float> s) {
    for (std::size_t i = 0; i < idx.size(); ++i) {
        const Clk& o = c[idx[i]];
        s[i] = score_of(and_count_avx2(q.words.data(), o.words.data()), q.popcount, o.popcount);
    }
}
__attribute__((target("avx512f,avx512vpopcntdq"))) void batch_avx512(const Clk& q, std::span<const Clk> c,
                                                                     std::span<float> s) {
    for (std::size_t i = 0; i < c.size(); ++i)
        s[i] = score_of(and_count_avx512(q.words.data(), c[i].words.data()), q.popcount, c[i].popcount);
}
__attribute__((target("avx512f,avx512vpopcntdq"))) void gather_avx512(const Clk& q, std::span<const Clk> c,
                                                                      std::span<const std::uint32_t> idx,
                                                                      std::span<float> s) {
    for (std::size_t i = 0; i < idx.size(); ++i) {
        const Clk& o = c[idx[i]];
        s[i] = score_of(and_count_avx512(q.words.data(), o.words.data()), q.popcount, o.popcount);
    }
}
#endif

PopcountPath detect() noexcept {
#ifdef EENPLAN_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("avx512f"))
        return PopcountPath::avx512_vpopcntdq;
    if (__builtin_cpu_supports("avx2")) return PopcountPath::avx2;
    if (__builtin_cpu_supports("popcnt")) return PopcountPath::popcnt;
#endif
    return PopcountPath::portable;
}

void require(PopcountPath path) {
    if (!supported(path))
        throw std::invalid_argument("popcount path not supported by this CPU: " + std::string(to_string(path)));
}

}  // namespace

std::string_view to_string(PopcountPath path) {
    switch (path) {
        case PopcountPath::portable: return "portable";
        case PopcountPath::popcnt: return "popcnt";
        case PopcountPath::avx2: return "avx2";
        case PopcountPath::avx512_vpopcntdq: return "avx512_vpopcntdq";
    }
    return "unknown";
}

bool supported(PopcountPath path) noexcept {
#ifdef EENPLAN_X86
    __builtin_cpu_init();
    switch (path) {
        case PopcountPath::portable: return true;
        case PopcountPath::popcnt: return __builtin_cpu_supports("popcnt");
        case PopcountPath::avx2: return __builtin_cpu_supports("avx2");
        case PopcountPath::avx512_vpopcntdq:
            return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
    }
    return false;
#else
    return path == PopcountPath::portable;
#endif
}

PopcountPath best_popcount_path() noexcept {
    static const PopcountPath best = detect();
    return best;
}

std::uint32_t and_popcount(const Clk& a, const Clk& b) noexcept { return and_popcount(a, b, best_popcount_path()); }

std::uint32_t and_popcount(const Clk& a, const Clk& b, PopcountPath path) {
    require(path);
#ifdef EENPLAN_X86
    switch (path) {
        case PopcountPath::avx512_vpopcntdq: return and_count_avx512(a.words.data(), b.words.data());
        case PopcountPath::avx2: return and_count_avx2(a.words.data(), b.words.data());
        case PopcountPath::popcnt: return and_count_popcnt(a.words.data(), b.words.data());
        case PopcountPath::portable: break;
    }
#endif
    return and_count_portable(a.words.data(), b.words.data());
}

double dice(const Clk& a, const Clk& b) noexcept {
    const std::uint32_t sum = a.popcount + b.popcount;
    return sum == 0 ? 0.0 : 2.0 * and_popcount(a, b) / sum;
}

void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<float> scores, PopcountPath path) {
    if (scores.size() != candidates.size()) throw std::invalid_argument("dice_batch: one score per candidate");
    require(path);
    switch (path) {
#ifdef EENPLAN_X86
        case PopcountPath::avx512_vpopcntdq: return batch_avx512(query, candidates, scores);
        case PopcountPath::avx2: return batch_avx2(query, candidates, scores);
        case PopcountPath::popcnt: return batch_popcnt(query, candidates, scores);
#endif
        default: return batch_portable(query, candidates, scores);
    }
}

void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<float> scores) {
    dice_batch(query, candidates, scores, best_popcount_path());
}

void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<const std::uint32_t> indices,
                std::span<float> scores) {
    dice_batch(query, candidates, indices, scores, best_popcount_path());
}

void dice_batch(const Clk& query, std::span<const Clk> candidates, std::span<const std::uint32_t> indices,
                std::span<float> scores, PopcountPath path) {
    if (scores.size() != indices.size()) throw std::invalid_argument("dice_batch: one score per index");
    for (std::uint32_t i : indices) {
        if (i >= candidates.size()) throw std::invalid_argument("dice_batch: index out of range");
    }
    require(path);
    switch (path) {
#ifdef EENPLAN_X86
        case PopcountPath::avx512_vpopcntdq: return gather_avx512(query, candidates, indices, scores);
        case PopcountPath::avx2: return gather_avx2(query, candidates, indices, scores);
        case PopcountPath::popcnt: return gather_popcnt(query, candidates, indices, scores);
#endif
        default: return gather_portable(query, candidates, indices, scores);
    }
}

void dice_above(const Clk& query, std::span<const Clk> candidates, float threshold, std::vector<ScoredCandidate>& out) {
    constexpr std::size_t chunk = 256;
    std::array<float, chunk> scores{};
    for (std::size_t start = 0; start < candidates.size(); start += chunk) {
        const std::size_t n = std::min(chunk, candidates.size() - start);
        dice_batch(query, candidates.subspan(start, n), std::span<float>(scores.data(), n), best_popcount_path());
        for (std::size_t i = 0; i < n; ++i) {
            if (scores[i] >= threshold) out.push_back({static_cast<std::uint32_t>(start + i), scores[i]});
        }
    }
}

}  // namespace eenplan::linkage

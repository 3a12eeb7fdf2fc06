#include "eenplan/core/linkage/field_encoding.hpp"

#include <cstring>
#include <vector>

#include "keyed_hash.hpp"

namespace eenplan::linkage {

struct FieldEncoder::Keys {
    explicit Keys(const detail::KeyedHash& master)
        : family(master.derive("field|family")),
          given_first(master.derive("field|given_first")),
          given_rest(master.derive("field|given_rest")),
          birth_date(master.derive("field|birth_date")),
          postcode(master.derive("field|postcode")) {}
    detail::KeyedHash family;
    detail::KeyedHash given_first;
    detail::KeyedHash given_rest;
    detail::KeyedHash birth_date;
    detail::KeyedHash postcode;
};

namespace {

constexpr unsigned bigram_k = 8;

FieldToken token(const detail::KeyedHash& hash, std::string_view tag, std::string_view value) {
    const detail::Digest d = hash.mac({tag, "|", value});
    FieldToken t = 0;
    std::memcpy(&t, d.data(), sizeof t);
    return t == 0 ? 1 : t;
}

void add_bigrams(FieldFilter& filter, const detail::KeyedHash& hash, std::string_view text) {
    if (text.empty()) return;
    std::string padded = "_";
    padded += text;
    padded.push_back('_');
    for (std::size_t i = 0; i + 1 < padded.size(); ++i) {
        const detail::Digest d = hash.mac({"b|", std::string_view(padded).substr(i, 2)});
        for (unsigned j = 0; j < bigram_k; ++j) {
            const unsigned position = (unsigned{d[2 * j]} | (unsigned{d[2 * j + 1]} << 8)) % (field_filter_words * 64);
            filter.words[position / 64] |= std::uint64_t{1} << (position % 64);
        }
    }
}

constexpr char hex_digits[] = "0123456789abcdef";

void put_word(std::string& out, std::uint64_t w) {
    for (int b = 0; b < 8; ++b) {
        const auto byte = static_cast<unsigned>((w >> (8 * b)) & 0xFF);
        out.push_back(hex_digits[byte >> 4]);
        out.push_back(hex_digits[byte & 0xF]);
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

template <typename F>
void each_word(FieldEncoding& e, F&& f) {
    for (auto* filter : {&e.family, &e.given_first, &e.given_rest}) {
        for (auto& w : filter->words) f(w);
    }
    for (auto* t : {&e.family_token, &e.given_first_token, &e.given_rest_token, &e.date, &e.date_swapped}) f(*t);
    for (auto& t : e.date_masked) f(t);
    for (auto& t : e.date_digit_masked) f(t);
    f(e.pc6);
    f(e.pc4);
}

constexpr std::size_t words_in_encoding = 3 * field_filter_words + 5 + 3 + 8 + 2;

Level name_level(FieldToken a, FieldToken b, float similarity) {
    if (a == 0 || b == 0) return Level::missing;
    if (a == b) return Level::agree;
    if (similarity >= 0.8F) return Level::near;
    if (similarity >= 0.6F) return Level::partial;
    if (similarity >= 0.4F) return Level::weak;
    return Level::disagree;
}

// |A|, |B| and |A∧B| in one pass. Built for plain x86-64, std::popcount is a SWAR bit count; the
// POPCNT instruction is used when the CPU has it (as dice.cpp does for CLKs), chosen once.
struct Counts {
    std::uint32_t a = 0, b = 0, both = 0;
};

Counts count_portable(const FieldFilter& a, const FieldFilter& b) noexcept {
    Counts c;
    for (std::size_t i = 0; i < field_filter_words; ++i) {
        c.a += static_cast<std::uint32_t>(std::popcount(a.words[i]));
        c.b += static_cast<std::uint32_t>(std::popcount(b.words[i]));
        c.both += static_cast<std::uint32_t>(std::popcount(a.words[i] & b.words[i]));
    }
    return c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt"))) Counts count_popcnt(const FieldFilter& a, const FieldFilter& b) noexcept {
    Counts c;
    for (std::size_t i = 0; i < field_filter_words; ++i) {
        c.a += static_cast<std::uint32_t>(__builtin_popcountll(a.words[i]));
        c.b += static_cast<std::uint32_t>(__builtin_popcountll(b.words[i]));
        c.both += static_cast<std::uint32_t>(__builtin_popcountll(a.words[i] & b.words[i]));
    }
    return c;
}
const bool has_popcnt = __builtin_cpu_supports("popcnt");
#endif

}  // namespace

double dice(const FieldFilter& a, const FieldFilter& b) noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    const Counts c = has_popcnt ? count_popcnt(a, b) : count_portable(a, b);
#else
    const Counts c = count_portable(a, b);
#endif
    if (c.a == 0 || c.b == 0) return 0;
    return 2.0 * c.both / (c.a + c.b);
}

std::string to_hex(const FieldEncoding& encoding) {
    std::string out;
    out.reserve(words_in_encoding * 16);
    FieldEncoding copy = encoding;
    each_word(copy, [&](std::uint64_t& w) { put_word(out, w); });
    return out;
}

std::optional<FieldEncoding> field_encoding_from_hex(std::string_view hex) {
    if (hex.size() != words_in_encoding * 16) return std::nullopt;
    FieldEncoding e;
    std::size_t at = 0;
    bool ok = true;
    each_word(e, [&](std::uint64_t& w) {
        w = 0;
        for (int b = 0; b < 8; ++b) {
            const int hi = hex_value(hex[at]), lo = hex_value(hex[at + 1]);
            at += 2;
            if (hi < 0 || lo < 0) {
                ok = false;
                return;
            }
            w |= static_cast<std::uint64_t>(hi * 16 + lo) << (8 * b);
        }
    });
    if (!ok) return std::nullopt;
    return e;
}

FieldEncoder::FieldEncoder(const VersionedKey& key) : keys_(std::make_unique<Keys>(detail::KeyedHash(key.secret()))) {}
FieldEncoder::FieldEncoder(FieldEncoder&&) noexcept = default;
FieldEncoder& FieldEncoder::operator=(FieldEncoder&&) noexcept = default;
FieldEncoder::~FieldEncoder() = default;

FieldEncoding FieldEncoder::encode(const NormalisedAttributes& a) const {
    FieldEncoding e;
    const Keys& k = *keys_;
    if (!a.family_core.empty()) {
        add_bigrams(e.family, k.family, a.family_core);
        e.family_token = token(k.family, "v", a.family_core);
    }
    if (!a.given_first.empty()) {
        add_bigrams(e.given_first, k.given_first, a.given_first);
        e.given_first_token = token(k.given_first, "v", a.given_first);
    }
    if (!a.given_rest.empty()) {
        add_bigrams(e.given_rest, k.given_rest, a.given_rest);
        e.given_rest_token = token(k.given_rest, "v", a.given_rest);
    }
    if (a.birth_date.size() == 10) {
        // YYYYMMDD
        const std::string d = a.birth_date.substr(0, 4) + a.birth_date.substr(5, 2) + a.birth_date.substr(8, 2);
        const std::string_view year = std::string_view(d).substr(0, 4), month = std::string_view(d).substr(4, 2),
                               day = std::string_view(d).substr(6, 2);
        e.date = token(k.birth_date, "d", d);
        // The swap is encoded under the same tag as a date, so that it equals the other's date token.
        if (month != day)
            e.date_swapped = token(k.birth_date, "d", std::string(year) + std::string(day) + std::string(month));
        e.date_masked[0] = token(k.birth_date, "my", std::string("????") + std::string(month) + std::string(day));
        e.date_masked[1] = token(k.birth_date, "mm", std::string(year) + "??" + std::string(day));
        e.date_masked[2] = token(k.birth_date, "md", std::string(year) + std::string(month) + "??");
        for (std::size_t i = 0; i < 8; ++i) {
            std::string masked = d;
            masked[i] = '?';
            e.date_digit_masked[i] = token(k.birth_date, "x", masked);
        }
    }
    if (a.postcode.size() >= 4) {
        e.pc4 = token(k.postcode, "4", std::string_view(a.postcode).substr(0, 4));
        if (a.postcode.size() == 6) e.pc6 = token(k.postcode, "6", a.postcode);
    }
    return e;
}

std::string_view to_string(Field field) {
    switch (field) {
        case Field::family_name: return "family_name";
        case Field::given_first: return "first_given_name";
        case Field::given_rest: return "other_given_names";
        case Field::birth_date: return "birth_date";
        case Field::postcode: return "postcode";
    }
    return "unknown";
}

std::string_view to_string(Level level) {
    switch (level) {
        case Level::agree: return "agree";
        case Level::near: return "near";
        case Level::partial: return "partial";
        case Level::weak: return "weak";
        case Level::disagree: return "disagree";
        case Level::missing: return "missing";
    }
    return "unknown";
}

FieldComparison compare(const FieldEncoding& q, const FieldEncoding& c) noexcept {
    FieldComparison out;
    auto name = [&](Field f, const FieldFilter& a, const FieldFilter& b, FieldToken ta, FieldToken tb) {
        const auto i = static_cast<std::size_t>(f);
        out.similarity[i] = ta != 0 && tb != 0 ? (ta == tb ? 1.0F : static_cast<float>(dice(a, b))) : 0.0F;
        out.levels[i] = name_level(ta, tb, out.similarity[i]);
    };
    name(Field::family_name, q.family, c.family, q.family_token, c.family_token);
    name(Field::given_first, q.given_first, c.given_first, q.given_first_token, c.given_first_token);
    name(Field::given_rest, q.given_rest, c.given_rest, q.given_rest_token, c.given_rest_token);

    constexpr auto date = static_cast<std::size_t>(Field::birth_date);
    if (q.date == 0 || c.date == 0) {
        out.levels[date] = Level::missing;
    } else if (q.date == c.date) {
        out.levels[date] = Level::agree;
        out.similarity[date] = 1;
    } else if (q.date_swapped != 0 && q.date_swapped == c.date) {
        out.levels[date] = Level::near;
        out.similarity[date] = 0.75F;
        out.date_pattern = "swapped";
    } else {
        out.levels[date] = Level::disagree;
        for (std::size_t i = 0; i < 8; ++i) {
            if (q.date_digit_masked[i] == c.date_digit_masked[i]) {
                out.levels[date] = Level::partial;
                out.similarity[date] = 0.5F;
                out.date_pattern = "digit";
                break;
            }
        }
        if (out.levels[date] == Level::disagree) {
            static constexpr std::string_view parts[] = {"year", "month", "day"};
            for (std::size_t i = 0; i < 3; ++i) {
                if (q.date_masked[i] == c.date_masked[i]) {
                    out.levels[date] = Level::weak;
                    out.similarity[date] = 0.25F;
                    out.date_pattern = parts[i];
                    break;
                }
            }
        }
    }

    constexpr auto pc = static_cast<std::size_t>(Field::postcode);
    if (q.pc4 == 0 || c.pc4 == 0) {
        out.levels[pc] = Level::missing;
    } else if (q.pc6 != 0 && q.pc6 == c.pc6) {
        out.levels[pc] = Level::agree;
        out.similarity[pc] = 1;
    } else if (q.pc4 == c.pc4) {
        out.levels[pc] = Level::near;
        out.similarity[pc] = 0.5F;
    } else {
        out.levels[pc] = Level::disagree;
    }
    return out;
}

}  // namespace eenplan::linkage

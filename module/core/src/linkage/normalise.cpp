#include "eenplan/core/linkage/attributes.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace eenplan::linkage {
namespace {

// ASCII folds of U+00C0..U+00FF and U+0100..U+017F; '?' marks the few that need more than one
// letter (handled in fold_code_point), ' ' the multiplication and division signs.
constexpr std::string_view latin1 =
    "aaaaaa?ceeeeiiii"   // C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
    "dnooooo ouuuuy??"   // D0 Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
    "aaaaaa?ceeeeiiii"   // E0
    "dnooooo ouuuuy?y";  // F0 ... þ ÿ
constexpr std::string_view latin_extended_a =
    "aaaaaaccccccccdd"   // 0100
    "ddeeeeeeeeeegggg"   // 0110
    "gggghhhhiiiiiiii"   // 0120
    "ii??jjkkklllllll"   // 0130 İ ı Ĳ ĳ ...
    "lllnnnnnnnnnoooo"   // 0140
    "oo??rrrrrrssssss"   // 0150 Œ œ
    "ssttttttuuuuuuuu"   // 0160
    "uuuuwwyyyzzzzzzs";  // 0170

void fold_code_point(char32_t cp, std::string& out) {
    auto space = [&out] {
        if (!out.empty() && out.back() != ' ') out.push_back(' ');
    };
    if (cp < 0x80) {
        const char c = static_cast<char>(cp);
        if (c >= 'A' && c <= 'Z')
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out.push_back(c);
        else if (c == '\'' || c == '`')
            return;  // 't Hart, D'Souza
        else
            space();
        return;
    }
    switch (cp) {
        case 0xC6:
        case 0xE6: out += "ae"; return;
        case 0xDE:
        case 0xFE: out += "th"; return;
        case 0xDF: out += "ss"; return;
        case 0x132:
        case 0x133: out += "ij"; return;
        case 0x152:
        case 0x153: out += "oe"; return;
        case 0x2018:
        case 0x2019:
        case 0xB4: return;  // typographic apostrophes, acute accent
        case 0x218:
        case 0x219: out.push_back('s'); return;  // Romanian ș
        case 0x21A:
        case 0x21B: out.push_back('t'); return;  // Romanian ț
        default: break;
    }
    if (cp >= 0xC0 && cp <= 0xFF) {
        const char c = latin1[cp - 0xC0];
        if (c == ' ')
            space();
        else
            out.push_back(c);
        return;
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        out.push_back(latin_extended_a[cp - 0x100]);
        return;
    }
    if (cp == 0xA0 || cp == 0x2010 || cp == 0x2011 || cp == 0x2013) space();  // nbsp, dashes
    // Everything else (other scripts, symbols, invalid bytes) is dropped.
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t end = std::min(text.find(' ', i), text.size());
        if (end > i) out.push_back(text.substr(i, end - i));
        i = end + 1;
    }
    return out;
}

std::string join(std::span<const std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) {
        if (!out.empty()) out.push_back(' ');
        out += p;
    }
    return out;
}

// "v.d." folds to "v d", "v/d" to "v d": the usual abbreviations of "van der"/"van de".
std::vector<std::string_view> expand_abbreviations(std::vector<std::string_view> in) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == "v" && i + 1 < in.size() && in[i + 1] == "d") {
            out.push_back("van");
            out.push_back("der");
            ++i;
        } else if (in[i] == "vd") {
            out.push_back("van");
            out.push_back("der");
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

void split_family_name(std::string_view raw, NormalisedAttributes& out) {
    const std::size_t comma = raw.find(',');
    if (comma != std::string_view::npos) {  // "Berg, van der"
        out.family_core = fold_text(raw.substr(0, comma));
        out.family_prefix = join(expand_abbreviations(words(fold_text(raw.substr(comma + 1)))));
        // A core that still starts with prefix words ("van Berg, der") keeps them in the prefix.
    } else {
        const std::string folded = fold_text(raw);
        auto ws = expand_abbreviations(words(folded));
        std::size_t lead = 0;
        while (lead + 1 < ws.size() && is_tussenvoegsel_word(ws[lead])) ++lead;
        std::size_t trail = ws.size();
        // "Berg van der": trailing prefix words after a core.
        while (trail > lead + 1 && is_tussenvoegsel_word(ws[trail - 1])) --trail;
        std::vector<std::string_view> prefix(ws.begin(), ws.begin() + static_cast<std::ptrdiff_t>(lead));
        prefix.insert(prefix.end(), ws.begin() + static_cast<std::ptrdiff_t>(trail), ws.end());
        out.family_prefix = join(prefix);
        out.family_core = join(std::span(ws).subspan(lead, trail - lead));
        return;
    }
    auto core = words(out.family_core);
    std::size_t lead = 0;
    while (lead + 1 < core.size() && is_tussenvoegsel_word(core[lead])) ++lead;
    if (lead > 0) {
        std::vector<std::string_view> prefix(core.begin(), core.begin() + static_cast<std::ptrdiff_t>(lead));
        if (!out.family_prefix.empty()) prefix.push_back(out.family_prefix);
        std::string new_prefix = join(prefix);
        out.family_core = join(std::span(core).subspan(lead));
        out.family_prefix = std::move(new_prefix);
    }
}

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

std::string normalise_date(std::string_view raw) {
    std::string compact;
    for (char c : raw)
        if (c != ' ') compact.push_back(c);
    std::string_view s = compact;
    std::string_view y, m, d;
    if (s.size() == 10 && (s[4] == '-' || s[4] == '/') && (s[7] == '-' || s[7] == '/')) {
        y = s.substr(0, 4);
        m = s.substr(5, 2);
        d = s.substr(8, 2);
    } else if (s.size() == 10 && (s[2] == '-' || s[2] == '/') && (s[5] == '-' || s[5] == '/')) {
        d = s.substr(0, 2);
        m = s.substr(3, 2);
        y = s.substr(6, 4);
    } else if (s.size() == 8) {
        y = s.substr(0, 4);
        m = s.substr(4, 2);
        d = s.substr(6, 2);
    } else {
        return {};
    }
    if (!digits(y) || !digits(m) || !digits(d)) return {};
    const int year = number(y), month = number(m), day = number(d);
    if (month < 1 || month > 12 || day < 1) return {};
    // Gregorian month lengths: "2014-02-30" and "2015-31-04" are not dates and must not become
    // tokens that agree with nothing.
    static constexpr std::array<int, 12> days_in_month = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int last = month == 2 && leap ? 29 : days_in_month[static_cast<std::size_t>(month - 1)];
    if (year < 1800 || day > last) return {};
    return std::string(y) + "-" + std::string(m) + "-" + std::string(d);
}

std::string normalise_postcode(std::string_view raw) {
    std::string s;
    for (char c : raw) {
        if (c == ' ' || c == '-') continue;
        s.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    const auto is_letter = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (s.size() >= 4 && digits(std::string_view(s).substr(0, 4)) && s[0] != '0') {
        if (s.size() == 4) return s;
        if (s.size() == 6 && is_letter(s[4]) && is_letter(s[5])) return s;
    }
    return {};
}

}  // namespace

std::string fold_text(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto b0 = static_cast<std::uint8_t>(utf8[i]);
        char32_t cp = 0xFFFD;
        std::size_t len = 1;
        if (b0 < 0x80) {
            cp = b0;
        } else if ((b0 & 0xE0) == 0xC0) {
            len = 2;
        } else if ((b0 & 0xF0) == 0xE0) {
            len = 3;
        } else if ((b0 & 0xF8) == 0xF0) {
            len = 4;
        }
        if (len > 1) {
            if (i + len > utf8.size()) {
                len = 1;
            } else {
                cp = b0 & (0x7F >> len);
                for (std::size_t k = 1; k < len; ++k) {
                    const auto b = static_cast<std::uint8_t>(utf8[i + k]);
                    if ((b & 0xC0) != 0x80) {
                        cp = 0xFFFD;
                        len = k;
                        break;
                    }
                    cp = (cp << 6) | (b & 0x3F);
                }
            }
        }
        fold_code_point(cp, out);
        i += len;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    if (!out.empty() && out.front() == ' ') out.erase(0, 1);
    return out;
}

bool is_tussenvoegsel_word(std::string_view w) {
    // The voorvoegsels of the BRP table (Tabel 36) that occur in practice, plus Arabic el/al.
    static constexpr std::array<std::string_view, 30> table = {
        "van", "der", "den", "de", "het", "t",   "te",    "ter", "ten", "in", "op", "onder", "uit", "aan", "bij",
        "la",  "le",  "du",  "da", "di",  "del", "della", "des", "dos", "do", "el", "al",    "von", "zu",  "vom"};
    return std::find(table.begin(), table.end(), w) != table.end();
}

NormalisedAttributes normalise(const LinkageAttributes& a) {
    NormalisedAttributes out;
    split_family_name(a.family_name, out);
    const std::string given = fold_text(a.given_names);
    const std::size_t space = given.find(' ');
    out.given_first = given.substr(0, space);
    if (space != std::string::npos) out.given_rest = given.substr(space + 1);
    out.birth_date = normalise_date(a.birth_date);
    out.postcode = normalise_postcode(a.postcode);
    return out;
}

}  // namespace eenplan::linkage

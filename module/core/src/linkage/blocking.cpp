#include "eenplan/core/linkage/blocking.hpp"

#include <cstring>

#include "keyed_hash.hpp"

namespace eenplan::linkage {

struct BlockingKeyer::State {
    explicit State(const detail::KeyedHash& master) : hash(master.derive("blocking")) {}
    detail::KeyedHash hash;
};

namespace {

// Soundex classes; vowels, y (after respelling) and h are 0 and only separate consonants.
char soundex_class(char c) {
    switch (c) {
        case 'b':
        case 'p':
        case 'f':
        case 'v':
        case 'w': return '1';
        case 'c':
        case 'g':
        case 'j':
        case 'k':
        case 'q':
        case 's':
        case 'x':
        case 'z': return '2';
        case 'd':
        case 't': return '3';
        case 'l': return '4';
        case 'm':
        case 'n': return '5';
        case 'r': return '6';
        default: return '0';
    }
}

std::string dutch_respell(std::string_view name) {
    std::string s;
    for (char c : name)
        if (c >= 'a' && c <= 'z') s.push_back(c);
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const std::string_view rest = std::string_view(s).substr(i);
        if (rest.starts_with("sch")) {
            out.push_back('s');
            i += 2;
        } else if (rest.starts_with("ch")) {
            out.push_back('g');
            i += 1;
        } else if (rest.starts_with("ph")) {
            out.push_back('f');
            i += 1;
        } else if (rest.starts_with("ij") || rest.starts_with("ei") || rest.starts_with("ey")) {
            out.push_back('y');
            i += 1;
        } else if (rest.starts_with("dt")) {
            out.push_back('t');
            i += 1;
        } else if (s[i] == 'c' && i + 1 < s.size() && (s[i + 1] == 'a' || s[i + 1] == 'o' || s[i + 1] == 'u'))
            out.push_back('k');
        else if (s[i] == 'c')
            out.push_back('s');
        else if (s[i] == 'd' && i + 1 == s.size())
            out.push_back('t');
        else
            out.push_back(s[i]);
    }
    return out;
}

}  // namespace

std::string dutch_phonetic_code(std::string_view folded_core_name) {
    const std::string s = dutch_respell(folded_core_name);
    if (s.empty()) return {};
    std::string code;
    code.push_back(soundex_class(s[0]) == '0' ? 'v' : soundex_class(s[0]));  // 'v' for a leading vowel
    char previous = soundex_class(s[0]);
    for (std::size_t i = 1; i < s.size() && code.size() < 4; ++i) {
        const char c = soundex_class(s[i]);
        if (c != '0' && c != previous) code.push_back(c);
        if (s[i] != 'h') previous = c;  // as in Soundex, h does not separate two equal classes
    }
    code.resize(4, '0');
    return code;
}

BlockingKeyer::BlockingKeyer(const VersionedKey& key)
    : state_(std::make_unique<State>(detail::KeyedHash(key.secret()))) {}
BlockingKeyer::BlockingKeyer(BlockingKeyer&&) noexcept = default;
BlockingKeyer& BlockingKeyer::operator=(BlockingKeyer&&) noexcept = default;
BlockingKeyer::~BlockingKeyer() = default;

BlockingKeys BlockingKeyer::keys(const NormalisedAttributes& a) const {
    BlockingKeys out;
    auto put = [&](std::size_t pass, std::string_view value) {
        const char tag = static_cast<char>('0' + pass);
        const detail::Digest d = state_->hash.mac({std::string_view(&tag, 1), "|", value});
        std::memcpy(&out.keys[pass], d.data(), sizeof(std::uint64_t));
        out.present = static_cast<std::uint8_t>(out.present | (1U << pass));
    };
    const bool has_date = a.birth_date.size() == 10;
    const std::string year = has_date ? a.birth_date.substr(0, 4) : std::string();
    if (has_date) {
        std::string month = a.birth_date.substr(5, 2), day = a.birth_date.substr(8, 2);
        if (day < month) std::swap(day, month);
        put(0, year + month + day);
    }
    if (has_date && !a.family_core.empty()) put(1, year + dutch_phonetic_code(a.family_core));
    if (has_date && a.postcode.size() == 6) put(2, a.postcode + year);
    if (!a.family_core.empty() && !a.given_first.empty()) {
        put(3, dutch_phonetic_code(a.family_core) + "|" + dutch_phonetic_code(a.given_first));
    }
    return out;
}

}  // namespace eenplan::linkage

#include "population.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "synthetic_people.hpp"

namespace eenplan::simulators {
namespace {

struct WeightedName {
    std::string_view name;
    std::uint32_t weight;
};
struct WeightedFamilyName {
    std::string_view prefix;
    std::string_view core;
    std::uint32_t weight;
};

#include "population_names.inc"

// ---- randomness that gives the same numbers everywhere ---------------------------------------

using Random = std::mt19937_64;

// Uniform in [0, n), n > 0: the remainder of a draw below the largest multiple of n (rejection
// removes the modulo bias).
std::uint64_t below(Random& random, std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    for (;;) {
        const std::uint64_t r = random();
        if (r < limit) return r % n;
    }
}

// Uniform in [first, last].
std::int64_t between(Random& random, std::int64_t first, std::int64_t last) {
    return first + static_cast<std::int64_t>(below(random, static_cast<std::uint64_t>(last - first) + 1));
}

// True with probability p: 53 random bits as a double in [0, 1), exact in IEEE arithmetic.
bool chance(Random& random, double p) { return static_cast<double>(random() >> 11) * 0x1.0p-53 < p; }

template <typename T>
const T& pick(Random& random, std::span<const T> items) {
    std::uint64_t total = 0;
    for (const T& item : items) total += item.weight;
    std::uint64_t r = below(random, total);
    for (const T& item : items) {
        if (r < item.weight) return item;
        r -= item.weight;
    }
    return items.back();
}

struct WeightedChoice {
    std::uint32_t value;
    std::uint32_t weight;
};
std::uint32_t pick_value(Random& random, std::initializer_list<WeightedChoice> choices) {
    return pick(random, std::span<const WeightedChoice>(choices.begin(), choices.size())).value;
}

// ---- dates (Howard Hinnant's civil calendar algorithms, proleptic Gregorian) -----------------

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};
Civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// Completed years from `from` to `to` (an age).
std::int64_t years_between(const Civil& from, const Civil& to) {
    const bool before_birthday = to.month < from.month || (to.month == from.month && to.day < from.day);
    return to.year - from.year - (before_birthday ? 1 : 0);
}

bool valid_date(std::int64_t y, unsigned m, unsigned d) {
    if (m < 1 || m > 12 || d < 1) return false;
    return civil_from_days(days_from_civil(y, m, 1) + d - 1).month == m;
}

std::string two(unsigned v) { return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; }
std::string iso_date(const Civil& c) { return std::to_string(c.year) + "-" + two(c.month) + "-" + two(c.day); }

Civil parse_iso(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') throw std::invalid_argument("reference date must be YYYY-MM-DD");
    auto num = [&](std::size_t at, std::size_t n) {
        unsigned v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') throw std::invalid_argument("reference date must be YYYY-MM-DD");
            v = v * 10 + static_cast<unsigned>(s[i] - '0');
        }
        return v;
    };
    const Civil c{num(0, 4), num(5, 2), num(8, 2)};
    if (!valid_date(c.year, c.month, c.day)) throw std::invalid_argument("reference date is not a date");
    return c;
}

// ---- names -------------------------------------------------------------------------------------

struct OriginNames {
    Origin origin;
    std::uint32_t weight;  // share of pupils in Haaglanden schools, per mille (approximate)
    std::span<const WeightedName> boys;
    std::span<const WeightedName> girls;
    std::span<const WeightedFamilyName> family;
};

const std::array<OriginNames, 6> origins = {{
    {Origin::dutch, 620, dutch_boys, dutch_girls, dutch_family},
    {Origin::turkish, 90, turkish_boys, turkish_girls, turkish_family},
    {Origin::moroccan, 100, moroccan_boys, moroccan_girls, moroccan_family},
    {Origin::surinamese, 80, surinamese_boys, surinamese_girls, surinamese_family},
    {Origin::polish, 50, polish_boys, polish_girls, polish_family},
    {Origin::other, 60, other_boys, other_girls, other_family},
}};

// Polish surnames in -ski/-cki/-dzki take -ska/-cka/-dzka for women and girls.
std::string feminine(Origin origin, std::string_view core) {
    std::string out(core);
    if (origin == Origin::polish && out.size() > 3 && out.ends_with("ki")) out.back() = 'a';
    return out;
}

// Like pick(), with the weights of the first three (the most common) names times `boost`: Dutch
// name statistics have a few very common names and a long tail.
template <typename T>
const T& pick_common(Random& random, std::span<const T> items, std::uint32_t boost) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < items.size(); ++i) total += items[i].weight * (i < 3 ? boost : 1U);
    std::uint64_t r = below(random, total);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::uint64_t w = items[i].weight * (i < 3 ? boost : 1U);
        if (r < w) return items[i];
        r -= w;
    }
    return items.back();
}

// Spellings of one name that sources write differently (transliterated from Arabic, Turkish,
// Amharic, ...); a source may write any of its group.
constexpr std::array<std::array<std::string_view, 4>, 14> transliterations = {{
    {"Mohammed", "Mohamed", "Muhammad", "Mohammad"},
    {"Youssef", "Yusuf", "Yousef", "Youssef"},
    {"Ibrahim", "Ebrahim", "Ibrahim", "Ibrahim"},
    {"Fatima", "Fatma", "Fatimah", "Fatima"},
    {"Hamza", "Hamzah", "Hamza", "Hamza"},
    {"Yassin", "Yassine", "Yasin", "Yassin"},
    {"Ayoub", "Ayub", "Ayoub", "Ayoub"},
    {"Aisha", "Aicha", "Aïcha", "Aisha"},
    {"Khadija", "Khadidja", "Khadija", "Khadija"},
    {"Meryem", "Maryam", "Mariam", "Meryem"},
    {"Mustafa", "Mustapha", "Moustafa", "Mustafa"},
    {"Ahmed", "Ahmad", "Ahmet", "Ahmed"},
    {"Hassan", "Hasan", "Hassan", "Hassan"},
    {"Omar", "Umar", "Omar", "Omar"},
}};

// Another spelling of `name`, or empty when it has none.
std::string_view transliterate(std::string_view name, Random& random) {
    for (const auto& group : transliterations) {
        if (std::find(group.begin(), group.end(), name) == group.end()) continue;
        for (int attempt = 0; attempt < 8; ++attempt) {
            const std::string_view other = group[below(random, group.size())];
            if (other != name) return other;
        }
    }
    return {};
}

std::string given_names(Random& random, const OriginNames& names, Sex sex, std::uint32_t boost = 1) {
    const auto list = sex == Sex::male ? names.boys : names.girls;
    std::string out(pick_common(random, list, boost).name);
    unsigned extra = 0;
    if (names.origin == Origin::dutch) {
        extra = pick_value(random, {{0, 25}, {1, 45}, {2, 25}, {3, 5}});
    } else {
        extra = pick_value(random, {{0, 60}, {1, 35}, {2, 5}});
    }
    std::span<const WeightedName> middle = list;
    if (names.origin == Origin::dutch) {
        middle = sex == Sex::male ? std::span<const WeightedName>(dutch_middle_boys)
                                  : std::span<const WeightedName>(dutch_middle_girls);
    }
    for (unsigned i = 0; i < extra; ++i) {
        const std::string_view name = pick(random, middle).name;
        if (out.find(name) == std::string::npos) {
            out.push_back(' ');
            out.append(name);
        }
    }
    return out;
}

std::string first_word(std::string_view s) { return std::string(s.substr(0, s.find(' '))); }

// ---- addresses ---------------------------------------------------------------------------------

const std::array<Municipality, 4> municipality_table = {{
    {"'s-Gravenhage", "GM0518", 2491, 2599, 560},
    {"Delft", "GM0503", 2611, 2629, 105},
    {"Leidschendam-Voorburg", "GM1916", 2261, 2275, 78},
    {"Rijswijk", "GM0603", 2280, 2289, 57},
}};

std::string random_postcode(Random& random, const Municipality& m) {
    const auto pc4 = static_cast<unsigned>(between(random, m.pc4_first, m.pc4_last));
    for (;;) {
        const char a = static_cast<char>('A' + below(random, 26));
        const char b = static_cast<char>('A' + below(random, 26));
        // PostNL does not use SA, SD and SS.
        if (a == 'S' && (b == 'A' || b == 'D' || b == 'S')) continue;
        return std::to_string(pc4) + a + b;
    }
}

Address random_address(Random& random, const Municipality& m) {
    return {random_postcode(random, m), std::string(m.gemeentecode)};
}

// ---- what sources do to a record ---------------------------------------------------------------

constexpr std::array<std::string_view, 26> keyboard_neighbours = {
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn", "jiolm", "kop",  "njk",
    "bhjm", "iklp", "ol",   "wa",     "edft", "awedxz", "rfgy",   "yhji",   "cfgb", "qase",   "zsdc",  "tghu", "asx"};

char with_case_of(char model, char lower) {
    return model >= 'A' && model <= 'Z' ? static_cast<char>(lower - 'a' + 'A') : lower;
}
char lower_of(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Diacritics as an ASCII-only system drops them, for the letters the name lists use.
std::string strip_diacritics(std::string_view s) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 40> table = {{
        {"ë", "e"}, {"é", "e"}, {"è", "e"}, {"ï", "i"}, {"ö", "o"}, {"ó", "o"}, {"ü", "u"}, {"ç", "c"},
        {"ş", "s"}, {"ğ", "g"}, {"ı", "i"}, {"İ", "I"}, {"ł", "l"}, {"ś", "s"}, {"ń", "n"}, {"ą", "a"},
        {"ę", "e"}, {"ż", "z"}, {"ź", "z"}, {"ć", "c"}, {"Ö", "O"}, {"Ç", "C"}, {"Ş", "S"}, {"Ł", "L"},
        {"Ś", "S"}, {"Ż", "Z"}, {"Ü", "U"}, {"É", "E"}, {"ã", "a"}, {"á", "a"}, {"í", "i"}, {"à", "a"},
        {"â", "a"}, {"ô", "o"}, {"û", "u"}, {"ñ", "n"}, {"Ą", "A"}, {"Ę", "E"}, {"Ń", "N"}, {"Ź", "Z"},
    }};
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        bool replaced = false;
        if (static_cast<unsigned char>(s[i]) >= 0x80) {
            for (const auto& [from, to] : table) {
                if (s.substr(i).starts_with(from)) {
                    out += to;
                    i += from.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out.push_back(s[i++]);
    }
    return out;
}

bool has_non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string upper_ascii(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
}

std::string capitalised(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

std::string join_name(std::string_view prefix, std::string_view core) {
    if (prefix.empty()) return std::string(core);
    return std::string(prefix) + " " + std::string(core);
}

}  // namespace

unsigned apply_typos(std::string& text, unsigned edits, std::mt19937_64& random) {
    const std::string original = text;
    unsigned done = 0;
    // An edit can undo the one before it (a letter doubled, then dropped): edit again until the
    // text differs.
    for (unsigned guard = 0; done < edits || (done > 0 && text == original && guard < 8); ++done, ++guard) {
        std::vector<std::size_t> letters;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (ascii_letter(text[i])) letters.push_back(i);
        }
        if (letters.size() < 3) break;
        const std::size_t at = letters[below(random, letters.size())];
        const char c = text[at];
        auto substitute = [&] {
            const std::string_view near = keyboard_neighbours[static_cast<std::size_t>(lower_of(c) - 'a')];
            text[at] = with_case_of(c, near[below(random, near.size())]);
        };
        switch (below(random, 4)) {
            case 0: substitute(); break;
            case 1: text.erase(at, 1); break;
            case 2: text.insert(at, 1, c); break;
            default:
                if (at + 1 < text.size() && ascii_letter(text[at + 1]) && lower_of(text[at + 1]) != lower_of(c)) {
                    std::swap(text[at], text[at + 1]);
                } else {
                    substitute();
                }
        }
    }
    return std::min(done, edits);
}

std::string_view to_string(Origin origin) {
    switch (origin) {
        case Origin::dutch: return "dutch";
        case Origin::turkish: return "turkish";
        case Origin::moroccan: return "moroccan";
        case Origin::surinamese: return "surinamese";
        case Origin::polish: return "polish";
        case Origin::other: return "other";
    }
    return "unknown";
}

std::span<const Municipality> municipalities() { return municipality_table; }

const Municipality* municipality_of_postcode(std::string_view postcode) {
    if (postcode.size() < 4) return nullptr;
    unsigned pc4 = 0;
    for (char c : postcode.substr(0, 4)) {
        if (c < '0' || c > '9') return nullptr;
        pc4 = pc4 * 10 + static_cast<unsigned>(c - '0');
    }
    for (const Municipality& m : municipality_table) {
        if (pc4 >= m.pc4_first && pc4 <= m.pc4_last) return &m;
    }
    return nullptr;
}

namespace {

class Generator {
public:
    explicit Generator(const PopulationParameters& p) : p_(p), random_(p.seed) {
        if (p.min_observations > p.max_observations) throw std::invalid_argument("min_observations > max_observations");
        const Civil ref = parse_iso(p.reference_date);
        today_ = days_from_civil(ref.year, ref.month, ref.day);
        today_civil_ = ref;
    }

    Population run() {
        while (population_.pupils.size() < p_.pupils) add_family();
        for (const Pupil& pupil : population_.pupils) observe(pupil);
        return std::move(population_);
    }

private:
    const Municipality& random_municipality() {
        return pick(random_, std::span<const Municipality>(municipality_table));
    }

    std::string next_bsn() { return synthetic_bsn(next_bsn_++); }

    void add_family() {
        Family family;
        family.id = static_cast<std::uint32_t>(population_.families.size());
        const OriginNames& names = pick(random_, std::span<const OriginNames>(origins));
        family.origin = names.origin;
        const Municipality& home = random_municipality();
        family.address = random_address(random_, home);
        if (chance(random_, p_.moved)) {
            const Municipality* before = &home;
            if (chance(random_, p_.moved_across_border)) {
                while (before == &home) before = &random_municipality();
            }
            Address previous = random_address(random_, *before);
            while (previous.postcode == family.address.postcode) previous = random_address(random_, *before);
            family.previous_address = std::move(previous);
        }
        const WeightedFamilyName& listed = pick_common(random_, names.family, p_.common_name_boost);
        std::string tail_prefix, tail_core;
        WeightedFamilyName tail{};
        if (p_.surname_tail > 0 && chance(random_, p_.surname_tail)) {
            long_tail_surname(names.origin, tail_prefix, tail_core);
            tail = {tail_prefix, tail_core, 1};
        }
        const WeightedFamilyName& surname = tail_core.empty() ? listed : tail;
        // A namesake family: same family name and region as an earlier family, and a child with
        // the same first given name (born another year, other middle names).
        std::optional<Pupil> model;
        if (p_.namesakes > 0 && !population_.families.empty() && chance(random_, p_.namesakes)) {
            const Family& other = population_.families[below(random_, population_.families.size())];
            if (other.origin == names.origin && other.origin != Origin::polish &&
                municipality_of_postcode(other.address.postcode) != nullptr) {
                model = population_.pupils[other.children.front()];
                family.address = random_address(random_, *municipality_of_postcode(other.address.postcode));
            }
        }

        // Children: the youngest is 4 to 18, each older sibling 1 to 4 years older (or a twin).
        const auto children = pick_value(random_, {{1, 30}, {2, 42}, {3, 20}, {4, 8}});
        constexpr std::int64_t year = 365;
        // In days: 4 years are at most 1461 days, 18 years at least 6574.
        std::int64_t age = between(random_, 4 * year + 2, 18 * year - 1);
        std::vector<std::int64_t> ages;
        for (unsigned i = 0; i < children && age < 18 * year; ++i) {
            ages.push_back(age);
            if (!chance(random_, p_.twins)) age += between(random_, year, 4 * year);
        }
        std::string previous_first_name;
        std::int64_t previous_birth = -1;
        for (const std::int64_t a : ages) {
            Pupil pupil;
            pupil.id = static_cast<std::uint32_t>(population_.pupils.size());
            pupil.family = family.id;
            pupil.sex = chance(random_, 0.51) ? Sex::male : Sex::female;
            if (model && pupil.id == population_.pupils.size() && family.children.empty()) pupil.sex = model->sex;
            const std::int64_t birth = today_ - a;
            for (;;) {  // twins get different first names
                pupil.given_names = given_names(random_, names, pupil.sex, p_.common_name_boost);
                if (model && family.children.empty()) {
                    const std::string rest =
                        pupil.given_names.substr(std::min(pupil.given_names.size(), pupil.given_names.find(' ')));
                    pupil.given_names = first_word(model->given_names) + rest;
                }
                if (birth != previous_birth || first_word(pupil.given_names) != previous_first_name) break;
            }
            previous_first_name = first_word(pupil.given_names);
            previous_birth = birth;
            pupil.family_prefix = model ? model->family_prefix : std::string(surname.prefix);
            pupil.family_name = model                      ? model->family_name
                                : pupil.sex == Sex::female ? feminine(names.origin, surname.core)
                                                           : std::string(surname.core);
            pupil.birth_date = iso_date(civil_from_days(birth));
            pupil.sector =
                years_between(civil_from_days(birth), today_civil_) < 12 ? Sector::primary : Sector::secondary;
            if (chance(random_, p_.no_number)) {
                // newly arrived, not yet registered
            } else if (chance(random_, p_.no_bsn)) {
                pupil.onderwijsnummer = synthetic_onderwijsnummer(next_onderwijsnummer_++);
            } else {
                pupil.bsn = next_bsn();
            }
            family.children.push_back(pupil.id);
            population_.pupils.push_back(std::move(pupil));
        }

        // Parents: two in four of five families; the first carries the children's family name.
        const std::int64_t oldest_birth = today_ - ages.back();
        const unsigned parents = chance(random_, 0.8) ? 2 : 1;
        const bool father_first = chance(random_, 0.85);
        for (unsigned i = 0; i < parents; ++i) {
            Person parent;
            parent.id = static_cast<std::uint32_t>(population_.parents.size());
            parent.family = family.id;
            parent.sex = (i == 0) == father_first ? Sex::male : Sex::female;
            const OriginNames& own =
                i == 0 || chance(random_, 0.9) ? names : pick(random_, std::span<const OriginNames>(origins));
            const WeightedFamilyName& name = i == 0 ? surname : pick(random_, own.family);
            parent.given_names = given_names(random_, own, parent.sex);
            parent.family_prefix = std::string(name.prefix);
            parent.family_name = parent.sex == Sex::female ? feminine(own.origin, name.core) : std::string(name.core);
            parent.birth_date = iso_date(civil_from_days(oldest_birth - between(random_, 20 * year, 42 * year)));
            parent.bsn = next_bsn();
            family.parents.push_back(parent.id);
            population_.parents.push_back(std::move(parent));
        }
        population_.families.push_back(std::move(family));
    }

    // A surname from the long tail: most people carry a name that few others have (the Meertens
    // Instituut's family-name database has ~300 000 names for 17 million people). Composed from
    // parts typical of the origin ("Hoog" + "kamp", "Kara" + "taş", "El " + "Bouz" + "iani").
    void long_tail_surname(Origin origin, std::string& prefix, std::string& core) {
        static constexpr std::string_view dutch_roots[] = {
            "Hoog",  "Groen",  "Berg",   "Veld",   "Dijk", "Wijk",  "Brink",  "Kamp",  "Hout",   "Bosch",
            "Mol",   "Kooi",   "Zand",   "Steen",  "Beek", "Water", "Heuvel", "Linde", "Eik",    "Wit",
            "Zwart", "Rood",   "Klein",  "Groot",  "Oost", "West",  "Noord",  "Zuid",  "Mulder", "Smit",
            "Kuip",  "Bakel",  "Haver",  "Riet",   "Vos",  "Haan",  "Boom",   "Rade",  "Hulst",  "Loo",
            "Ter",   "Wester", "Ooster", "Mieren", "Wolf", "Hage",  "Lange",  "Hof"};
        static constexpr std::string_view dutch_suffixes[] = {
            "man",  "stra",  "ink",   "ema",  "huis", "kamp", "dorp", "sma",  "ing", "ers", "mans", "meijer", "hof",
            "veld", "broek", "horst", "berg", "land", "beek", "wijk", "boom", "sen", "ens", "er",   "hout"};
        static constexpr std::string_view dutch_prefixes[] = {"",    "",   "",        "",       "",   "van",
                                                              "van", "de", "van der", "van de", "ter"};
        static constexpr std::string_view turkish_roots[] = {
            "Kara", "Ak",  "Demir", "Yıl",  "Öz",  "Çelik",  "Ay",    "Er",    "Kurt", "Şahin", "Tek",  "Gül",
            "Taş",  "Bal", "Can",   "Sarı", "Koç", "Yıldız", "Doğan", "Aslan", "Tunç", "Bay",   "Uçar", "Alp"};
        static constexpr std::string_view turkish_suffixes[] = {"",    "oğlu", "er",  "kaya", "türk", "can",
                                                                "soy", "taş",  "dağ", "han",  "gül",  "ay"};
        static constexpr std::string_view maghreb_roots[] = {
            "Amran", "Idriss", "Haddad",  "Oual",   "Bakkal", "Tahir", "Alaou",  "Azzouz",  "Mansour", "Chaouk",
            "Bouz",  "Harr",   "Khattab", "Moussa", "Ouahab", "Sadd",  "Tounss", "Zeroual", "Hamdaou", "Bouch"};
        static constexpr std::string_view maghreb_suffixes[] = {"i", "iani", "ati", "ouni", "ari", "i", "aoui", "ane"};
        static constexpr std::string_view maghreb_prefixes[] = {"", "", "El", "Ben", "Ait"};
        auto any = [&](auto& list) { return std::string(list[below(random_, std::size(list))]); };
        switch (origin) {
            case Origin::dutch:
            case Origin::surinamese:
                prefix = any(dutch_prefixes);
                core = any(dutch_roots) + any(dutch_suffixes);
                break;
            case Origin::turkish:
                core = any(turkish_roots) + any(turkish_suffixes);
                if (core.size() < 4) core += "oğlu";
                break;
            case Origin::moroccan:
                prefix = any(maghreb_prefixes);
                core = any(maghreb_roots) + any(maghreb_suffixes);
                break;
            default: break;  // Polish and other origins keep their lists
        }
    }

    // A record as the source writes it; `registry` is the clean reference record.
    Observation record(const Pupil& pupil, std::string_view source, bool registry) {
        const Family& family = population_.families[pupil.family];
        Observation o;
        o.pupil = pupil.id;
        o.source = source;
        o.bsn = pupil.bsn;
        o.onderwijsnummer = pupil.onderwijsnummer;
        o.postcode = family.address.postcode;
        o.birth_date = pupil.birth_date;
        if (registry) {
            o.family_name = join_name(pupil.family_prefix, pupil.family_name);
            o.given_names = pupil.given_names;
            return o;
        }

        std::string given = pupil.given_names;
        std::string core = pupil.family_name;
        std::string prefix = pupil.family_prefix;
        if (given.find(' ') != std::string::npos && chance(random_, p_.first_name_only)) {
            given = first_word(given);
            o.distortions |= first_name_only;
        }
        if (p_.transliteration > 0 && chance(random_, p_.transliteration)) {
            const std::string first = first_word(given);
            const std::string_view other = transliterate(first, random_);
            if (!other.empty()) {
                given = std::string(other) + given.substr(first.size());
                o.distortions |= transliterated;
            }
        }
        if (chance(random_, p_.typo)) {
            const auto edits = pick_value(random_, {{1, 70}, {2, 20}, {3, 10}});
            for (unsigned i = 0; i < edits; ++i) {
                // The family name is longer and typed by hand more often than the roepnaam.
                std::string first = first_word(given);
                if (chance(random_, 0.55)) {
                    o.typos = static_cast<std::uint8_t>(o.typos + apply_typos(core, 1, random_));
                } else if (apply_typos(first, 1, random_) == 1) {
                    given = first + given.substr(std::min(given.size(), given.find(' ')));
                    ++o.typos;
                }
            }
            if (o.typos > 0) o.distortions |= typo;
        }
        if (chance(random_, p_.diacritics_lost) && (has_non_ascii(given) || has_non_ascii(core))) {
            given = strip_diacritics(given);
            core = strip_diacritics(core);
            o.distortions |= diacritics_lost;
        }
        if (prefix.empty()) {
            o.family_name = core;
        } else if (chance(random_, p_.prefix_dropped)) {
            o.family_name = core;
            o.distortions |= prefix_dropped;
        } else if (chance(random_, p_.prefix_after)) {
            o.family_name = chance(random_, 0.8) ? core + ", " + prefix : core + " " + prefix;
            o.distortions |= prefix_after;
        } else if (prefix.starts_with("van d") && chance(random_, p_.prefix_abbreviated)) {
            o.family_name = (chance(random_, 0.7) ? "v.d. " : "v/d ") + core;
            o.distortions |= prefix_abbreviated;
        } else {
            // Some sources capitalise the tussenvoegsel ("Van der Berg").
            o.family_name = join_name(chance(random_, 0.2) ? capitalised(prefix) : prefix, core);
        }
        o.given_names = given;
        if (chance(random_, p_.upper_case)) {
            o.family_name = upper_ascii(o.family_name);
            o.given_names = upper_ascii(o.given_names);
            o.distortions |= upper_case;
        }

        const Civil born = parse_iso(pupil.birth_date);
        Civil written = born;
        if (born.day <= 12 && born.day != born.month && chance(random_, p_.day_month_swapped)) {
            std::swap(written.day, written.month);
            o.distortions |= day_month_swapped;
        }
        if (chance(random_, p_.date_digit_typo)) {
            for (int attempt = 0; attempt < 16; ++attempt) {
                Civil t = written;
                const unsigned digit = static_cast<unsigned>(below(random_, 10));
                switch (below(random_, 3)) {
                    case 0: t.day = t.day / 10 * 10 + digit; break;
                    case 1: t.month = t.month / 10 * 10 + digit; break;
                    default: t.year = t.year / 10 * 10 + digit; break;
                }
                if ((t.day != written.day || t.month != written.month || t.year != written.year) &&
                    valid_date(t.year, t.month, t.day)) {
                    written = t;
                    o.distortions |= date_digit_typo;
                    break;
                }
            }
        }
        o.birth_date = iso_date(written);
        if (chance(random_, p_.other_date_format)) {
            o.birth_date = chance(random_, 0.75)
                               ? two(written.day) + "-" + two(written.month) + "-" + std::to_string(written.year)
                               : std::to_string(written.year) + two(written.month) + two(written.day);
            o.distortions |= other_date_format;
        }

        if (family.previous_address && chance(random_, p_.old_postcode)) {
            o.postcode = family.previous_address->postcode;
            o.distortions |= old_postcode;
        }
        if (chance(random_, p_.postcode_missing)) {
            o.postcode.clear();
            o.distortions |= postcode_missing;
        } else if (chance(random_, 0.3)) {
            std::string spaced = o.postcode.substr(0, 4) + " " + o.postcode.substr(4);
            o.postcode = chance(random_, 0.5)
                             ? spaced
                             : std::string(spaced.substr(0, 5)) + static_cast<char>(lower_of(spaced[5])) +
                                   static_cast<char>(lower_of(spaced[6]));
        }
        if ((!o.bsn.empty() || !o.onderwijsnummer.empty()) && chance(random_, p_.number_missing)) {
            o.bsn.clear();
            o.onderwijsnummer.clear();
            o.distortions |= number_missing;
        }
        return o;
    }

    void observe(const Pupil& pupil) {
        static constexpr std::array<std::string_view, 4> sources = {"las", "leerplicht", "jgz", "wijkteam"};
        population_.references.push_back(record(pupil, "brp", true));
        const auto n = between(random_, p_.min_observations, p_.max_observations);
        for (std::int64_t i = 0; i < n; ++i) {
            population_.observations.push_back(record(pupil, sources[below(random_, sources.size())], false));
        }
    }

    const PopulationParameters& p_;
    Random random_;
    std::int64_t today_ = 0;
    Civil today_civil_{};
    std::uint32_t next_bsn_ = 0;
    std::uint32_t next_onderwijsnummer_ = 0;
    Population population_;
};

}  // namespace

Population generate_population(const PopulationParameters& parameters) { return Generator(parameters).run(); }

PopulationParameters harder_population(std::uint64_t seed, std::uint32_t pupils) {
    PopulationParameters p;
    p.seed = seed;
    p.pupils = pupils;
    p.common_name_boost = 6;
    p.namesakes = 0.03;
    p.twins = 0.05;
    p.moved = 0.12;
    p.transliteration = 0.30;
    p.surname_tail = 0.5;
    return p;
}

}  // namespace eenplan::simulators

// A synthetic population of pupils in families in the Haaglanden region, and the records that
// different sources keep of them, with the errors those sources make. It is the ground truth for
// measuring record linkage (tests/bench/linkage_eval.cpp): every observation carries the id of the
// pupil it describes.
//
// Reproducible: the same parameters give the same population on every platform and compiler. The
// only randomness is std::mt19937_64 (its output is fixed by the C++ standard), read through the
// small integer helpers in population.cpp; no std::*_distribution is used, because their output
// is implementation-defined.
//
// What is modelled:
//   - families of 1–4 children (pupils aged 4–18 on the reference date; twins 3 % of sibling
//     pairs) and 1–2 parents; origin groups as seen in Haaglanden schools (Dutch, Turkish,
//     Moroccan, Surinamese, Polish, other), each with frequency-weighted given and family names;
//     Dutch family names with their tussenvoegsel ("van der", "'t", "in 't") and Moroccan "El";
//     Polish surnames in their feminine form for girls ("Kowalska");
//   - addresses by PC6 postcode in Den Haag (GM0518), Delft (GM0503), Leidschendam-Voorburg
//     (GM1916) and Rijswijk (GM0603), weighted by population; a share of families moved in the
//     past year, half of them across a municipal border;
//   - BSNs and onderwijsnummers that pass the 11-proef (newcomers without a BSN have an
//     onderwijsnummer; a few pupils have neither yet);
//   - per pupil one registry-style reference record (as the BRP keeps it) and 1–4 observations by
//     other sources (school administration, leerplicht, youth health care, social team) with: 1–3
//     character typos, the tussenvoegsel dropped, abbreviated or written after the name ("Berg,
//     van der"), diacritics lost, upper case, only the first given name, day and month swapped,
//     a mistyped date digit, other date formats, the postcode from before a move or none at all,
//     and the person number left out.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eenplan::simulators {

enum class Origin : std::uint8_t { dutch, turkish, moroccan, surinamese, polish, other };
enum class Sex : std::uint8_t { female, male };
enum class Sector : std::uint8_t { primary, secondary };

std::string_view to_string(Origin origin);

struct Municipality {
    std::string_view name;
    std::string_view gemeentecode;  // CBS code, "GM0518"
    std::uint16_t pc4_first;        // postcode digits, inclusive range
    std::uint16_t pc4_last;
    std::uint32_t weight;  // inhabitants, in thousands
};
// Den Haag, Delft, Leidschendam-Voorburg, Rijswijk.
std::span<const Municipality> municipalities();
// The municipality whose PC4 range holds the postcode ("2511AB" → Den Haag), or none.
const Municipality* municipality_of_postcode(std::string_view postcode);

struct Address {
    std::string postcode;      // "2511AB"
    std::string gemeentecode;  // "GM0518"
    friend bool operator==(const Address&, const Address&) = default;
};

struct Person {
    std::uint32_t id = 0;      // index in Population::parents or Population::pupils
    std::uint32_t family = 0;  // index in Population::families
    Sex sex = Sex::female;
    std::string given_names;      // all given names, space separated, with diacritics
    std::string family_prefix;    // tussenvoegsel, "van der", or empty
    std::string family_name;      // "Berg"
    std::string birth_date;       // "YYYY-MM-DD"
    std::string bsn;              // nine digits, empty when the person has none
    std::string onderwijsnummer;  // nine digits, only pupils without a BSN
};

struct Pupil : Person {
    Sector sector = Sector::primary;
};

struct Family {
    std::uint32_t id = 0;
    Origin origin = Origin::dutch;
    std::vector<std::uint32_t> parents;       // indices in Population::parents (1 or 2)
    std::vector<std::uint32_t> children;      // indices in Population::pupils (1 to 4)
    Address address;                          // current
    std::optional<Address> previous_address;  // before a move in the past year
};

// What a source did to its copy of a pupil's data (bits of Observation::distortions).
enum Distortion : std::uint32_t {
    typo = 1U << 0,                // 1–3 character edits in the names (count in Observation::typos)
    prefix_dropped = 1U << 1,      // "Berg" for "van den Berg"
    prefix_after = 1U << 2,        // "Berg, van den" or "Berg van den"
    prefix_abbreviated = 1U << 3,  // "v.d. Berg"
    diacritics_lost = 1U << 4,     // "Zoe" for "Zoë"
    upper_case = 1U << 5,          // "ZOË VAN DEN BERG"
    first_name_only = 1U << 6,     // only the first of several given names
    day_month_swapped = 1U << 7,   // "2015-04-07" for "2015-07-04"
    date_digit_typo = 1U << 8,     // one digit of the date changed, still a valid date
    old_postcode = 1U << 9,        // the address from before a move
    postcode_missing = 1U << 10,
    number_missing = 1U << 11,     // the pupil has a number, the source did not send it
    other_date_format = 1U << 12,  // "07-04-2015" or "20150407"
    transliterated = 1U << 13,     // another spelling of the first given name ("Mohamed" for "Mohammed")
};

struct Observation {
    std::uint32_t pupil = 0;  // ground truth: index in Population::pupils
    std::string_view source;  // "brp", "las", "leerplicht", "jgz", "wijkteam"
    std::string family_name;  // as the source wrote it, tussenvoegsel included
    std::string given_names;
    std::string birth_date;  // "YYYY-MM-DD", "DD-MM-YYYY" or "YYYYMMDD"
    std::string postcode;    // "2511AB", "2511 ab" or empty
    std::string bsn;         // empty when not sent
    std::string onderwijsnummer;
    std::uint32_t distortions = 0;  // Distortion bits
    std::uint8_t typos = 0;
};

struct PopulationParameters {
    std::uint64_t seed = 1;
    std::uint32_t pupils = 100'000;             // at least this many; the last family is completed
    std::string reference_date = "2026-11-23";  // ages are computed on this day
    std::uint32_t min_observations = 1;         // per pupil, besides the reference record
    std::uint32_t max_observations = 4;
    double moved = 0.08;               // families that moved in the past year
    double moved_across_border = 0.5;  // of those, to another municipality
    double no_bsn = 0.02;              // pupils with an onderwijsnummer instead
    double no_number = 0.003;          // pupils with neither yet
    // Per observation:
    double number_missing = 0.20;
    double typo = 0.10;  // then 1 edit (70 %), 2 (20 %) or 3 (10 %)
    double prefix_dropped = 0.08;
    double prefix_after = 0.25;
    double prefix_abbreviated = 0.05;
    double diacritics_lost = 0.50;
    double upper_case = 0.10;
    double first_name_only = 0.50;
    double day_month_swapped = 0.02;  // only where the swap is a valid date
    double date_digit_typo = 0.01;
    double old_postcode = 0.50;  // of observations of a family that moved
    double postcode_missing = 0.05;
    double other_date_format = 0.40;
    // The harder population of issue 20 (harder_population() sets them; the defaults keep the
    // population of issue 4 as it was):
    std::uint32_t common_name_boost = 1;  // weight factor of the three most common names per list
    double namesakes = 0;                 // families named like an earlier family in its region,
                                          // their first child with the same first given name
    double twins = 0.03;                  // share of sibling pairs that are twins
    double transliteration = 0;           // per observation, where the first given name has variants
    double surname_tail = 0;              // families with a surname from the long tail (composed)
};

// The population of issue 20: a few very common names (weights of the three most common per list
// times 6), a long tail of composed surnames for half the Dutch, Surinamese, Turkish and Moroccan
// families, 3 % namesake families (same surname and first given name, same region), 5 % twins,
// 12 % of families moved, transliterations in 30 % of observations where the name has them.
PopulationParameters harder_population(std::uint64_t seed, std::uint32_t pupils);

struct Population {
    std::vector<Family> families;
    std::vector<Person> parents;
    std::vector<Pupil> pupils;
    std::vector<Observation> references;    // one registry record per pupil; references[i].pupil == i
    std::vector<Observation> observations;  // by the other sources, grouped by pupil
};

[[nodiscard]] Population generate_population(const PopulationParameters& parameters);

// Character-level edits as a source makes them, on ASCII letters only (multi-byte UTF-8 letters
// are left whole): a neighbouring key, a dropped letter, a doubled letter, or two adjacent letters
// swapped. Returns the number of edits made (fewer than asked only when the text has fewer than
// three letters left).
unsigned apply_typos(std::string& text, unsigned edits, std::mt19937_64& random);

}  // namespace eenplan::simulators

// The attributes that probabilistic record linkage compares, and their normalisation. Two sources
// write the same child differently ("Zoë van der Berg", "ZOE BERG, VAN DER", "zoe v.d. berg"); the
// normal form below is what the CLK encoding (clk.hpp) and the blocking keys (blocking.hpp) see.
//
// Rules, in order (after the Dutch practice described by the Basisregistratie Personen, where the
// voorvoegsel is a separate field from the geslachtsnaam, LO GBA 3.x element 02.30):
//   - UTF-8 is decoded; letters of Latin-1 and Latin Extended-A lose their diacritics (é→e, ë→e,
//     ï→i, ç→c, ş→s, ł→l, ß→ss, æ→ae); the ligature ĳ and the digraph "ij" both stay "ij".
//   - Lower case; hyphens, dots, commas and other punctuation become spaces; apostrophes vanish
//     ("'t Hart" → "t hart"); runs of spaces collapse; code points outside those blocks are dropped.
//   - Family name: the tussenvoegsel (voorvoegsel) is split from the core name, whichever way it is
//     written: "van der Berg", "Berg, van der" and "Berg van der" all give prefix "van der", core
//     "berg". "v.d." and "v/d" count as "van der" / "van de". Moroccan "El"/"Al" are treated as
//     prefixes too, so "El Idrissi" and "Idrissi" share a core.
//   - Given names: first given name apart from the others (many sources send only the roepnaam).
//   - Birth date: "YYYY-MM-DD", "YYYYMMDD" or "DD-MM-YYYY" in, "YYYY-MM-DD" out; empty if invalid.
//   - Postcode: upper case, no space, "1234AB"; a bare "1234" is kept; anything else is empty.
#pragma once

#include <string>
#include <string_view>

namespace eenplan::linkage {

struct LinkageAttributes {
    std::string family_name;  // as the source wrote it, tussenvoegsel included
    std::string given_names;  // all given names, or only the first
    std::string birth_date;   // "YYYY-MM-DD"
    std::string postcode;     // "2511AB" or "2511 ab"
};

struct NormalisedAttributes {
    std::string family_prefix;  // "van der", or empty
    std::string family_core;    // "berg"
    std::string given_first;    // "zoe"
    std::string given_rest;     // further given names, space separated
    std::string birth_date;     // "YYYY-MM-DD" or empty
    std::string postcode;       // "2511AB", "2511" or empty

    friend bool operator==(const NormalisedAttributes&, const NormalisedAttributes&) = default;
};

NormalisedAttributes normalise(const LinkageAttributes& attributes);

// Lower case, diacritics stripped, punctuation to spaces, spaces collapsed and trimmed.
std::string fold_text(std::string_view utf8);

// True for the words that make up a tussenvoegsel ("van", "der", "de", "ten", "el", ...).
bool is_tussenvoegsel_word(std::string_view folded_word);

}  // namespace eenplan::linkage

// Normalisation of linkage attributes: tussenvoegsel forms, diacritics, dates and postcodes.
#include <catch2/catch.hpp>

#include "eenplan/core/linkage/attributes.hpp"

using namespace eenplan::linkage;

namespace {
NormalisedAttributes family(std::string_view name) { return normalise({std::string(name), "", "", ""}); }
std::string date(std::string_view d) { return normalise({"", "", std::string(d), ""}).birth_date; }
std::string postcode(std::string_view p) { return normalise({"", "", "", std::string(p)}).postcode; }
}  // namespace

TEST_CASE("every way of writing a tussenvoegsel gives the same prefix and core", "[record]") {
    for (const char* written : {"van der Berg", "Berg, van der", "Berg van der", "Van Der Berg", "BERG, VAN DER",
                                "v.d. Berg", "v/d Berg", "vd Berg", "Berg, v.d.", "van  der   Berg "}) {
        INFO(written);
        const auto n = family(written);
        CHECK(n.family_prefix == "van der");
        CHECK(n.family_core == "berg");
    }
    CHECK(family("van Berg, der").family_prefix == "van der");
    CHECK(family("van Berg, der").family_core == "berg");
}

TEST_CASE("prefixes with apostrophes and Arabic articles are split too", "[record]") {
    CHECK(family("'t Hart").family_prefix == "t");
    CHECK(family("'t Hart").family_core == "hart");
    CHECK(family("in \xE2\x80\x99t Veld").family_prefix == "in t");  // typographic apostrophe
    CHECK(family("in 't Veld").family_core == "veld");
    CHECK(family("El Idrissi").family_core == family("Idrissi").family_core);
    CHECK(family("El Idrissi").family_prefix == "el");
    CHECK(family("Idrissi").family_prefix.empty());
}

TEST_CASE("a name that is only prefix words keeps one word as its core", "[record]") {
    const auto n = family("de Vries");
    CHECK(n.family_core == "vries");
    CHECK(family("Van").family_core == "van");
    CHECK(family("Van").family_prefix.empty());
    // A double-barrelled name keeps its inner prefix in the core.
    CHECK(family("Jansen-de Vries").family_core == "jansen de vries");
}

TEST_CASE("diacritics, ligatures and case are folded", "[record]") {
    CHECK(fold_text("Zoë") == "zoe");
    CHECK(fold_text("Noëlle-Chloé") == "noelle chloe");
    CHECK(fold_text("Yıldırım") == "yildirim");
    CHECK(fold_text("Şahin Çelik Öztürk Doğan") == "sahin celik ozturk dogan");
    CHECK(fold_text("Łukasz Wiśniewski Dąbrowski Woźniak") == "lukasz wisniewski dabrowski wozniak");
    CHECK(fold_text("Straße") == "strasse");
    CHECK(fold_text("\xC4\xB2sselmuiden") == "ijsselmuiden");  // Ĳ ligature
    CHECK(fold_text("Ærø Œuvre") == "aero oeuvre");
    CHECK(fold_text("  D'Souza  ") == "dsouza");
    CHECK(fold_text("Jan\xC2\xA0Pieter") == "jan pieter");  // no-break space
    CHECK(fold_text("Ab\xFF\xFE"
                    "c") == "abc");      // invalid UTF-8 is dropped, not crashed on
    CHECK(fold_text("\xE2\x82") == "");  // truncated sequence
}

TEST_CASE("given names: the first apart from the rest", "[record]") {
    const auto n = normalise({"", "Daan Johannes  Pieter", "", ""});
    CHECK(n.given_first == "daan");
    CHECK(n.given_rest == "johannes pieter");
    const auto only = normalise({"", "DAAN", "", ""});
    CHECK(only.given_first == "daan");
    CHECK(only.given_rest.empty());
}

TEST_CASE("birth dates in three formats, and only real dates", "[record]") {
    CHECK(date("2015-07-04") == "2015-07-04");
    CHECK(date("04-07-2015") == "2015-07-04");
    CHECK(date("04/07/2015") == "2015-07-04");
    CHECK(date("20150704") == "2015-07-04");
    CHECK(date("2016-02-29") == "2016-02-29");
    CHECK(date("2015-02-29").empty());  // not a leap year
    CHECK(date("2000-02-29") == "2000-02-29");
    CHECK(date("1900-02-29").empty());
    CHECK(date("2015-04-31").empty());
    CHECK(date("2015-13-01").empty());
    CHECK(date("2015-00-10").empty());
    CHECK(date("2015-7-4").empty());
    CHECK(date("yesterday").empty());
    CHECK(date("").empty());
}

TEST_CASE("postcodes: PC6 upper case without space, PC4 kept, anything else empty", "[record]") {
    CHECK(postcode("2511 ab") == "2511AB");
    CHECK(postcode("2511AB") == "2511AB");
    CHECK(postcode("2511-AB") == "2511AB");
    CHECK(postcode("2511") == "2511");
    CHECK(postcode("0511AB").empty());
    CHECK(postcode("2511A").empty());
    CHECK(postcode("25111AB").empty());
    CHECK(postcode("AB2511").empty());
    CHECK(postcode("").empty());
}

TEST_CASE("is_tussenvoegsel_word knows the BRP voorvoegsels, not ordinary names", "[record]") {
    for (const char* w : {"van", "der", "den", "de", "ter", "ten", "t", "in", "el", "al", "von", "da", "dos"}) {
        CHECK(is_tussenvoegsel_word(w));
    }
    for (const char* w : {"berg", "jansen", "v", "", "vander"}) CHECK_FALSE(is_tussenvoegsel_word(w));
}

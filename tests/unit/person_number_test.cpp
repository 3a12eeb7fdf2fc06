// Person numbers: the 11-proef for BSN and onderwijsnummer, and that the type does not leak.
#include <catch2/catch.hpp>
#include <sstream>
#include <type_traits>

#include "eenplan/core/person_number.hpp"

using eenplan::PersonNumber;
using eenplan::PersonNumberKind;

namespace {
template <typename T, typename = void>
struct is_streamable : std::false_type {};
template <typename T>
struct is_streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<T>())>> : std::true_type {};
}  // namespace

SCENARIO("a BSN is checked with the 11-proef", "[identity]") {
    // 111222333: 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66 = 6*11.
    CHECK(eenplan::passes_bsn_elfproef("111222333"));
    CHECK(eenplan::passes_bsn_elfproef("123456782"));
    CHECK_FALSE(eenplan::passes_bsn_elfproef("123456789"));
    CHECK_FALSE(eenplan::passes_bsn_elfproef("000000000"));
    CHECK_FALSE(eenplan::passes_bsn_elfproef("12345678"));
    CHECK_FALSE(eenplan::passes_bsn_elfproef("12345678a"));

    GIVEN("an eight-digit BSN with its leading zero dropped") {
        auto parsed = PersonNumber::parse(PersonNumberKind::bsn, "11222333", "/subject/bsn");
        THEN("it is read as the nine-digit number with a leading zero, if that passes") {
            // 011222333: 8+7+12+10+8+9+6-3 = 57, not a multiple of 11.
            REQUIRE_FALSE(parsed.ok());
        }
    }
}

SCENARIO("an onderwijsnummer has its own 11-proef", "[identity]") {
    // 101234567: 9*1+8*0+7*1+6*2+5*3+4*4+3*5+2*6+1*7 = 93 = 8*11 + 5.
    CHECK(eenplan::passes_onderwijsnummer_elfproef("101234567"));
    CHECK_FALSE(eenplan::passes_bsn_elfproef("101234567"));
    CHECK_FALSE(eenplan::passes_onderwijsnummer_elfproef("111222333"));
}

SCENARIO("a parse failure names the field but never the number", "[identity]") {
    auto bad = PersonNumber::parse(PersonNumberKind::bsn, "123456789", "/subject/bsn");
    REQUIRE_FALSE(bad.ok());
    REQUIRE(bad.problems().size() == 1);
    CHECK(bad.problems()[0].pointer == "/subject/bsn");
    CHECK(bad.problems()[0].detail.find("123456789") == std::string::npos);
    CHECK(bad.problems()[0].detail.find("11-proef") != std::string::npos);

    auto short_one = PersonNumber::parse(PersonNumberKind::onderwijsnummer, "1234", "/x");
    REQUIRE_FALSE(short_one.ok());
    CHECK(short_one.problems()[0].detail == "must be nine digits");
}

SCENARIO("a person number cannot be printed by accident", "[identity]") {
    STATIC_REQUIRE_FALSE(is_streamable<PersonNumber>::value);
    auto bsn = PersonNumber::parse(PersonNumberKind::bsn, "111222333", "/subject/bsn");
    REQUIRE(bsn.ok());
    CHECK(bsn->to_string() == "bsn:*******33");
    CHECK(bsn->digits_for_keyed_use() == "111222333");
    CHECK(bsn->kind() == PersonNumberKind::bsn);
}

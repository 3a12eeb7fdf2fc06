// Hand-written RFC 3339 and vendor date parsing (core/date_time): the formats the signal schema
// names, linear in the input however long it is.
#include <catch2/catch.hpp>

#include <string>

#include "eenplan/core/date_time.hpp"

namespace dt = eenplan::date_time;
using namespace std::chrono;

SCENARIO("an RFC 3339 full-date names a real day", "[security][ingest]") {
    CHECK(dt::parse_full_date("2026-11-16") == year_month_day{year(2026), month(11), day(16)});
    CHECK(dt::parse_full_date("2024-02-29"));
    CHECK_FALSE(dt::parse_full_date("2026-02-29"));
    CHECK_FALSE(dt::parse_full_date("2026-13-01"));
    CHECK_FALSE(dt::parse_full_date("2026-04-31"));
    CHECK_FALSE(dt::parse_full_date("2026-00-10"));
    CHECK_FALSE(dt::parse_full_date("2026-1-16"));
    CHECK_FALSE(dt::parse_full_date("26-11-16"));
    CHECK_FALSE(dt::parse_full_date("2026-11-16 "));
    CHECK_FALSE(dt::parse_full_date("２０２６-11-16"));
    CHECK_FALSE(dt::parse_full_date(""));
}

SCENARIO("an RFC 3339 full-time and date-time", "[security][ingest]") {
    CHECK(dt::is_full_time("08:30:00Z"));
    CHECK(dt::is_full_time("23:59:60+01:00"));
    CHECK(dt::is_full_time("08:30:00.123456-05:30"));
    CHECK_FALSE(dt::is_full_time("24:00:00Z"));
    CHECK_FALSE(dt::is_full_time("08:60:00Z"));
    CHECK_FALSE(dt::is_full_time("08:30:00"));
    CHECK_FALSE(dt::is_full_time("08:30:00.Z"));
    CHECK_FALSE(dt::is_full_time("08:30:00+0100"));
    CHECK_FALSE(dt::is_full_time("08:30:00+01:00x"));

    CHECK(dt::is_date_time("2026-11-16T08:30:00Z"));
    CHECK(dt::is_date_time("2026-11-16t08:30:00.5+01:00"));
    CHECK_FALSE(dt::is_date_time("2026-11-16 08:30:00Z"));
    CHECK_FALSE(dt::is_date_time("2026-11-31T08:30:00Z"));
    CHECK_FALSE(dt::is_date_time("2026-11-16"));
    CHECK_FALSE(dt::is_date_time("2026-11-16T"));
}

SCENARIO("vendor dates", "[security][ingest]") {
    auto iso = [](std::string_view text) {
        const auto d = dt::parse_vendor_date(text);
        return d ? dt::format_full_date(*d) : std::string("-");
    };
    CHECK(iso("2026-11-16") == "2026-11-16");
    CHECK(iso("2026-11-16T08:30:00+01:00") == "2026-11-16");
    CHECK(iso("2026-11-16 08:30") == "2026-11-16");
    CHECK(iso("16-11-2026") == "2026-11-16");
    CHECK(iso("6/1/2026") == "2026-01-06");
    CHECK(iso("06.01.2026") == "2026-01-06");
    CHECK(iso("2026-11-16X") == "-");
    CHECK(iso("31-02-2026") == "-");
    CHECK(iso("123-01-2026") == "-");
    CHECK(iso("1-1-26") == "-");
    CHECK(iso("") == "-");
}

SCENARIO("long input costs its length, not the stack", "[security][ingest]") {
    // std::regex in libstdc++ recursed once per character here and overflowed the stack.
    const std::string digits(1'000'000, '1');
    CHECK_FALSE(dt::parse_full_date(digits));
    CHECK_FALSE(dt::is_date_time(digits));
    CHECK_FALSE(dt::is_full_time(digits));
    CHECK_FALSE(dt::parse_vendor_date(digits));
    CHECK_FALSE(dt::parse_vendor_date("2026-11-16T" + digits) == std::nullopt);
    CHECK_FALSE(dt::is_date_time("2026-11-16T08:30:00." + digits));
    CHECK(dt::is_date_time("2026-11-16T08:30:00." + digits + "Z"));
}

// The pure grant check: which signal types, schools and municipalities a source may speak for.
#include <catch2/catch.hpp>

#include "eenplan/core/policy/source_grant.hpp"

using eenplan::Signal;
using eenplan::SignalType;
using eenplan::policy::SourceGrant;

namespace {

Signal absence_at(const std::string& brin, const std::string& gemeente) {
    Signal s;
    s.occurred_at = "2026-11-20T08:30:00Z";
    s.school = eenplan::SchoolRef{brin, gemeente, std::nullopt};
    using namespace std::chrono;
    s.data = eenplan::AbsenceReported{"ongeoorloofd", sys_days{year{2026} / November / 16}, std::nullopt, std::nullopt};
    return s;
}

Signal household_in(const std::string& gemeente) {
    Signal s;
    s.occurred_at = "2026-11-20T08:30:00Z";
    s.data = eenplan::HouseholdComposition{gemeente, 3};
    return s;
}

std::vector<std::string> pointers(const eenplan::Problems& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.pointer);
    return out;
}

}  // namespace

TEST_CASE("an empty grant allows everything", "[security][ingest]") {
    const SourceGrant grant;
    CHECK(grant.unrestricted());
    CHECK(refusals(grant, absence_at("12AB", "GM0518")).empty());
    CHECK(refusals(grant, household_in("GM0603")).empty());
}

TEST_CASE("a school source: its types, its schools", "[security][ingest]") {
    SourceGrant grant;
    grant.signal_types = std::set<SignalType>{SignalType::absence_reported};
    grant.brins = std::set<std::string>{"12AB"};
    CHECK(refusals(grant, absence_at("12AB", "GM0518")).empty());
    CHECK(pointers(refusals(grant, absence_at("99ZZ", "GM0518"))) == std::vector<std::string>{"/school/brin"});
    // A household signal names no school, and is not a granted type: both are said.
    CHECK(pointers(refusals(grant, household_in("GM0518"))) == std::vector<std::string>{"/type", "/school"});
}

TEST_CASE("a municipal source speaks only for its municipality", "[security][ingest]") {
    SourceGrant grant;
    grant.gemeentecodes = std::set<std::string>{"GM0603"};
    CHECK(refusals(grant, household_in("GM0603")).empty());
    CHECK(pointers(refusals(grant, household_in("GM0518"))) == std::vector<std::string>{"/data/gemeentecode"});
    // A school signal from a school in another municipality.
    CHECK(pointers(refusals(grant, absence_at("12AB", "GM0518"))) == std::vector<std::string>{"/school/gemeentecode"});
    CHECK(refusals(grant, absence_at("12AB", "GM0603")).empty());
}

TEST_CASE("a refusal never repeats the value it refuses", "[security][ingest]") {
    SourceGrant grant;
    grant.brins = std::set<std::string>{"12AB"};
    grant.gemeentecodes = std::set<std::string>{"GM0603"};
    for (const auto& p : refusals(grant, absence_at("77QQ", "GM9999"))) {
        CHECK(p.detail.find("77QQ") == std::string::npos);
        CHECK(p.detail.find("GM9999") == std::string::npos);
    }
}

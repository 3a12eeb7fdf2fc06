// The pure reconciliation step: what a municipality is told about the children it listed, and
// nothing about others; whether a pupil is enrolled on a day.
#include <catch2/catch.hpp>

#include <algorithm>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/policy/sharing_policy.hpp"
#include "eenplan/core/registration/reconciliation.hpp"

using namespace eenplan;
using namespace eenplan::registration;

namespace {

routeboek::Day day(const char* text) { return *routeboek::parse_day(text); }

}  // namespace

SCENARIO("enrolled on a day: started by then and not ended before it", "[registration]") {
    const std::vector<routeboek::Enrolment> enrolments{
        {"p-1", "12AB", "GM0518", day("2026-08-24"), day("2026-10-09"), "po", "schoolwissel"},
        {"p-2", "34CD", "GM0518", std::nullopt, std::nullopt, "", ""}};
    CHECK(enrolled_on(enrolments, {"p-1"}, day("2026-10-09")));  // the last day still counts
    CHECK_FALSE(enrolled_on(enrolments, {"p-1"}, day("2026-10-10")));
    CHECK_FALSE(enrolled_on(enrolments, {"p-1"}, day("2026-08-23")));
    CHECK(enrolled_on(enrolments, {"p-9", "p-2"}, day("2026-12-01")));  // a merged record's id counts
    CHECK_FALSE(enrolled_on(enrolments, {"p-3"}, day("2026-12-01")));
}

SCENARIO("a reconciliation answers only about listed children without an enrolment, in the recipient's pseudonyms",
         "[registration][privacy]") {
    const KeyedPseudonymiser key(VersionedKey(1, Bytes(32, 0x42)));
    const std::string a = key.pseudonym("hub", "bsn", "a"), b = key.pseudonym("hub", "bsn", "b"),
                      c = key.pseudonym("hub", "bsn", "c");
    const std::vector<ListedChild> list{
        {"pp1:a", a}, {"pp1:b", b}, {"pp1:c", c}, {"pp1:a-again", a}, {"garbage", std::nullopt}};
    int asked = 0;
    const auto answer = reconcile(
        list,
        [&](const std::string& hub) {
            ++asked;
            return hub == a ? ChildStatus::enrolled : hub == b ? ChildStatus::not_enrolled : ChildStatus::unknown;
        },
        key, "gm0603-leerplicht");
    CHECK(asked == 3);  // once per distinct child
    CHECK(answer.counts.listed == 5);
    CHECK(answer.counts.enrolled == 1);
    CHECK(answer.counts.known_not_enrolled == 1);
    CHECK(answer.counts.unknown == 1);
    CHECK(answer.counts.duplicates == 1);
    CHECK(answer.counts.unreadable == 1);
    CHECK(answer.counts.without_enrolment() == 2);
    std::vector<std::string> expected{policy::recipient_pseudonym(key, "gm0603-leerplicht", b),
                                      policy::recipient_pseudonym(key, "gm0603-leerplicht", c)};
    std::sort(expected.begin(), expected.end());
    CHECK(answer.without_enrolment == expected);
    CHECK(std::find(answer.without_enrolment.begin(), answer.without_enrolment.end(), b) ==
          answer.without_enrolment.end());

    THEN("the digest depends on the list, not on its order") {
        std::vector<ListedChild> shuffled(list.rbegin(), list.rend());
        CHECK(reconcile(
                  shuffled, [](const std::string&) { return ChildStatus::unknown; }, key, "x")
                  .digest == answer.digest);
        CHECK(answer.digest.size() == 64);
        CHECK(list_digest({"pp1:a"}) != list_digest({"pp1:b"}));
    }
}

SCENARIO("a finished run's proof binds the list's digest, the counts and the time", "[registration][privacy]") {
    using eenplan::registration::ReconciliationCounts;
    using eenplan::registration::run_proof;
    const std::string digest = eenplan::registration::list_digest({"kp1:1:a", "kp1:1:b"});
    ReconciliationCounts counts;
    counts.listed = 2;
    counts.enrolled = 1;
    counts.unknown = 1;
    const std::string proof = run_proof(digest, counts, 1'800'000'000);
    CHECK(proof.size() == 64);
    CHECK(proof == run_proof(digest, counts, 1'800'000'000));
    CHECK(proof != run_proof(digest, counts, 1'800'000'001));
    CHECK(proof != run_proof(eenplan::registration::list_digest({"kp1:1:a"}), counts, 1'800'000'000));
    ReconciliationCounts other = counts;
    other.enrolled = 0;
    other.known_not_enrolled = 1;
    CHECK(proof != run_proof(digest, other, 1'800'000'000));
}

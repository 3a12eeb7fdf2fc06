// The send-time sharing decision (policy/agreement.hpp): which agreement version and consent a
// disclosure rests on, what it may carry, and why it is blocked when it may not leave.
#include <catch2/catch.hpp>

#include "eenplan/core/policy/agreement.hpp"

using namespace eenplan;
using namespace eenplan::policy;

namespace {

using C = Category;

Agreement leerplicht_v1() {
    Agreement a;
    a.id = "leerplicht-rijswijk";
    a.version = 1;
    a.valid_from = "2026-01-01";
    a.parties = {{"", "leerplicht"}};
    a.purpose = "verzuim";
    a.task_types = {"leerplicht.*"};
    a.basis = {BasisKind::statutory_task, "Leerplichtwet 1969 art. 21", ""};
    a.processing_activity = "va-verzuim";
    a.categories = {C::recipient_pseudonym, C::task_type, C::due_date, C::absence_summary, C::school};
    return a;
}

Agreement jeugdhulp_by_consent() {
    Agreement a;
    a.id = "jeugdhulp-afstemming";
    a.version = 1;
    a.valid_from = "2026-01-01";
    a.parties = {{"", "local_team"}};
    a.purpose = "jeugdhulp-afstemming";
    a.task_types = {"mdo.plan"};
    a.basis = {BasisKind::consent, "", ""};
    a.processing_activity = "va-jeugdhulp";
    a.categories = {C::recipient_pseudonym, C::task_type, C::due_date, C::school};
    return a;
}

Consent parent_and_child(std::string id = "c1") {
    Consent c;
    c.id = std::move(id);
    c.purpose = "jeugdhulp-afstemming";
    c.recipient_kind = "local_team";
    c.categories = {C::recipient_pseudonym, C::task_type, C::due_date, C::school};
    c.valid_from = "2026-01-01";
    c.given_by = {Grantor::parent, Grantor::young_person};
    c.age_band = AgeBand::from_12_to_15;
    return c;
}

DisclosureRequest leerplicht_task(std::string date = "2026-11-16") {
    return {"gm0603-leerplicht",
            "leerplicht",
            "leerplicht.verzuimmelding",
            {C::recipient_pseudonym, C::task_type, C::due_date, C::school, C::reason_code, C::woongemeente},
            std::move(date),
            1'000};
}

DisclosureRequest mdo_task() {
    return {"lt-rijswijk", "local_team", "mdo.plan", {C::recipient_pseudonym, C::task_type, C::due_date, C::school},
            "2026-11-16",  5'000};
}

}  // namespace

SCENARIO("without an agreement nothing leaves", "[privacy]") {
    const SharingDecision d = decide_disclosure(leerplicht_task(), {}, {});
    CHECK_FALSE(d.allowed);
    CHECK(d.reason == reason::no_agreement);
    GIVEN("an agreement for another kind of recipient") {
        auto a = leerplicht_v1();
        a.parties = {{"", "school"}};
        CHECK(decide_disclosure(leerplicht_task(), {a}, {}).reason == reason::no_agreement);
    }
    GIVEN("an agreement for the recipient but other task types") {
        auto a = leerplicht_v1();
        a.task_types = {"school.*"};
        CHECK(decide_disclosure(leerplicht_task(), {a}, {}).reason == reason::no_agreement);
    }
}

SCENARIO("a leerplicht task carries only what its agreement allows", "[privacy]") {
    const SharingDecision d = decide_disclosure(leerplicht_task(), {leerplicht_v1()}, {});
    REQUIRE(d.allowed);
    CHECK(d.agreement_id == "leerplicht-rijswijk");
    CHECK(d.agreement_version == 1);
    CHECK(d.basis.kind == BasisKind::statutory_task);
    CHECK(d.processing_activity == "va-verzuim");
    CHECK(d.consent_id.empty());
    CHECK(d.disclosed ==
          std::vector<C>{C::recipient_pseudonym, C::task_type, C::due_date, C::school, C::absence_summary});
    CHECK(d.stripped == std::vector<C>{C::reason_code, C::woongemeente});

    WHEN("the task is minimised to the decision") {
        delivery::SharedTask task{"leerplicht.verzuimmelding",
                                  "t1",
                                  "kp1:1:x",
                                  "2026-12-01",
                                  "ref",
                                  "corr",
                                  {"12AB", "2026-11-10", "schoolwissel", "GM0603"}};
        const auto sent = minimise(task, d.disclosed);
        THEN("the facts not allowed are gone and the rest stays") {
            CHECK(sent.facts.school_brin == "12AB");
            CHECK(sent.facts.date.empty());
            CHECK(sent.facts.reason_code.empty());
            CHECK(sent.facts.woongemeente.empty());
            CHECK(sent.subject == "kp1:1:x");
            CHECK(sent.due_date == "2026-12-01");
        }
        THEN("carried_categories names what the task holds, with what its type implies") {
            const auto carried = carried_categories(task);
            CHECK(std::find(carried.begin(), carried.end(), C::absence_summary) != carried.end());
            CHECK(std::find(carried.begin(), carried.end(), C::event_date) != carried.end());
        }
    }
    GIVEN("an agreement that does not allow the due date") {
        auto a = leerplicht_v1();
        a.categories = {C::recipient_pseudonym, C::task_type, C::absence_summary};
        CHECK(decide_disclosure(leerplicht_task(), {a}, {}).reason == reason::essential_category_not_allowed);
    }
    GIVEN("an agreement that does not allow the absence summary a verzuim task implies") {
        auto a = leerplicht_v1();
        a.categories = {C::recipient_pseudonym, C::task_type, C::due_date};
        CHECK(decide_disclosure(leerplicht_task(), {a}, {}).reason == reason::essential_category_not_allowed);
    }
}

SCENARIO("a special category needs an explicit basis", "[privacy]") {
    auto a = leerplicht_v1();
    a.categories.push_back(C::health);
    auto request = leerplicht_task();
    request.carried.push_back(C::health);
    CHECK_FALSE(category_allowed_by(a, C::health));
    auto d = decide_disclosure(request, {a}, {});
    REQUIRE(d.allowed);
    CHECK(std::find(d.stripped.begin(), d.stripped.end(), C::health) != d.stripped.end());
    a.basis.special_category_basis = "UAVG art. 30 lid 1 sub b";
    d = decide_disclosure(request, {a}, {});
    REQUIRE(d.allowed);
    CHECK(std::find(d.disclosed.begin(), d.disclosed.end(), C::health) != d.disclosed.end());
}

SCENARIO("agreement versions apply by date", "[privacy]") {
    auto v1 = leerplicht_v1();
    auto v2 = leerplicht_v1();
    v2.version = 2;
    v2.valid_from = "2027-01-01";
    v2.categories = {C::recipient_pseudonym, C::task_type, C::due_date, C::absence_summary};
    auto v3 = leerplicht_v1();
    v3.version = 3;
    v3.valid_from = "2027-06-01";
    v3.revoked = true;
    const std::vector<Agreement> all{v3, v1, v2};
    CHECK(decide_disclosure(leerplicht_task("2025-12-31"), all, {}).reason == reason::agreement_not_in_force);
    CHECK(decide_disclosure(leerplicht_task("2026-12-31"), all, {}).agreement_version == 1);
    const auto in_2027 = decide_disclosure(leerplicht_task("2027-01-01"), all, {});
    CHECK(in_2027.agreement_version == 2);
    CHECK(std::find(in_2027.stripped.begin(), in_2027.stripped.end(), C::school) != in_2027.stripped.end());
    CHECK(decide_disclosure(leerplicht_task("2027-05-31"), all, {}).agreement_version == 2);
    const auto revoked = decide_disclosure(leerplicht_task("2027-06-01"), all, {});
    CHECK_FALSE(revoked.allowed);
    CHECK(revoked.reason == reason::agreement_not_in_force);
    GIVEN("a version that ends on a date") {
        auto ending = leerplicht_v1();
        ending.valid_until = "2026-06-30";
        CHECK(decide_disclosure(leerplicht_task("2026-06-30"), {ending}, {}).allowed);
        CHECK_FALSE(decide_disclosure(leerplicht_task("2026-07-01"), {ending}, {}).allowed);
    }
}

SCENARIO("a consent-based disclosure needs a consent in force, given by the right people", "[privacy]") {
    const auto a = jeugdhulp_by_consent();
    CHECK(decide_disclosure(mdo_task(), {a}, {}).reason == reason::no_consent);
    const auto d = decide_disclosure(mdo_task(), {a}, {parent_and_child()});
    REQUIRE(d.allowed);
    CHECK(d.consent_id == "c1");
    CHECK(d.basis.kind == BasisKind::consent);

    WHEN("the consent is withdrawn") {
        auto c = parent_and_child();
        c.withdrawn_at_us = 4'000;
        THEN("the next disclosure is blocked and says why") {
            CHECK(decide_disclosure(mdo_task(), {a}, {c}).reason == reason::consent_withdrawn);
        }
        THEN("a disclosure before the withdrawal still counted") {
            auto earlier = mdo_task();
            earlier.now_us = 3'000;
            CHECK(decide_disclosure(earlier, {a}, {c}).allowed);
        }
        THEN("a statutory disclosure is not affected") {
            const auto s = decide_disclosure(leerplicht_task(), {a, leerplicht_v1()}, {c});
            CHECK(s.allowed);
            CHECK(s.basis.kind == BasisKind::statutory_task);
        }
    }
    WHEN("a young person of 12 to 15 consents to youth care alone") {
        auto c = parent_and_child();
        c.given_by = {Grantor::young_person};
        CHECK(decide_disclosure(mdo_task(), {a}, {c}).reason == reason::consent_wrong_grantor);
    }
    WHEN("a parent consents for a young person of 16") {
        auto c = parent_and_child();
        c.age_band = AgeBand::from_16;
        c.given_by = {Grantor::parent};
        CHECK_FALSE(consent_given_by_the_right_people(c));
        c.given_by = {Grantor::young_person};
        CHECK(consent_given_by_the_right_people(c));
    }
    WHEN("the consent covers fewer categories than the agreement") {
        auto c = parent_and_child();
        c.categories = {C::recipient_pseudonym, C::task_type, C::due_date};
        const auto narrowed = decide_disclosure(mdo_task(), {a}, {c});
        REQUIRE(narrowed.allowed);
        CHECK(narrowed.stripped == std::vector<C>{C::school});
    }
    WHEN("the consent's period has ended") {
        auto c = parent_and_child();
        c.valid_until = "2026-11-15";
        CHECK(decide_disclosure(mdo_task(), {a}, {c}).reason == reason::no_consent);
    }
}

SCENARIO("agreements name a recipient by organisation or by kind", "[privacy]") {
    auto a = leerplicht_v1();
    a.parties = {{"gm0603-leerplicht", ""}};
    CHECK(covers(a, "gm0603-leerplicht", "", "leerplicht.inschrijving"));
    CHECK_FALSE(covers(a, "gm0518-leerplicht", "leerplicht", "leerplicht.inschrijving"));
    a.task_types = {"*"};
    CHECK(covers(a, "gm0603-leerplicht", "", "anything.at_all"));
}

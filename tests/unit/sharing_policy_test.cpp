// The allow-minimal sharing policy: what a recipient receives, and its own pseudonym of a pupil.
#include <catch2/catch.hpp>

#include "eenplan/core/keyed_pseudonym.hpp"
#include "eenplan/core/policy/sharing_policy.hpp"

using namespace eenplan;

namespace {

KeyedPseudonymiser key() { return KeyedPseudonymiser(VersionedKey(1, Bytes(32, 0x42))); }

delivery::TaskDraft draft() {
    return {"adviestafel.aanmelden",
            "gm0603",
            "kp1:1:abcdefghijklmnopqrstuvwxyz234567",
            "2026-12-14",
            "four weeks of absence; MDO asks for advice",
            "plan/7f3a/escalation-2",
            "corr-1"};
}

}  // namespace

SCENARIO("a task carries only what the recipient needs", "[delivery][privacy]") {
    const auto k = key();
    const auto shared = policy::share_task(draft(), "task-1", k);
    REQUIRE(shared.ok());
    CHECK(shared->type == "adviestafel.aanmelden");
    CHECK(shared->task_id == "task-1");
    CHECK(shared->due_date == "2026-12-14");
    CHECK(shared->reference == "plan/7f3a/escalation-2");
    CHECK(shared->correlation_id == "corr-1");
    THEN("the subject is the recipient's own pseudonym, not the hub's") {
        CHECK(shared->subject.starts_with("kp1:1:"));
        CHECK(shared->subject != draft().pupil_pseudonym);
        CHECK(shared->subject == policy::recipient_pseudonym(k, "gm0603", draft().pupil_pseudonym));
    }
    THEN("two recipients get unlinkable pseudonyms, one recipient the same one each time") {
        auto other = draft();
        other.recipient_id = "gm0518";
        const auto elsewhere = policy::share_task(other, "task-2", k);
        REQUIRE(elsewhere.ok());
        CHECK(elsewhere->subject != shared->subject);
        CHECK(policy::share_task(draft(), "task-3", k)->subject == shared->subject);
    }
}

SCENARIO("drafts that could carry personal data are refused", "[delivery][privacy]") {
    const auto k = key();
    auto d = draft();
    d.reference = "Dossier van Jan";
    d.type = "Bel Jan de Vries";
    d.due_date = "14-12-2026";
    d.pupil_pseudonym = "123456782";
    const auto refused = policy::share_task(d, "task-1", k);
    REQUIRE_FALSE(refused.ok());
    std::vector<std::string> pointers;
    for (const auto& p : refused.problems()) {
        pointers.push_back(p.pointer);
        CHECK(p.detail.find("123456782") == std::string::npos);
        CHECK(p.detail.find("Jan") == std::string::npos);
    }
    CHECK(pointers == std::vector<std::string>{"/type", "/pupil", "/due_date", "/reference"});
    THEN("a reference the routeboek makes passes") {
        auto engine = draft();
        engine.reference = "/v1/plans/5b1c9e0a-8d3f-4c55-9a51-0c8d2f1e7a64#3";
        CHECK(policy::share_task(engine, "5b1c9e0a-8d3f-4c55-9a51-0c8d2f1e7a64/3", k).ok());
        CHECK_FALSE(policy::share_task(draft(), "Task 1", k).ok());
    }
}

SCENARIO("a notification's facts are codes of a fixed shape", "[delivery][privacy][registration]") {
    const auto k = key();
    auto d = draft();
    d.facts = {"12AB", "2026-10-09", "schoolwissel", "GM0603"};
    const auto shared = policy::share_task(d, "task-1", k);
    REQUIRE(shared.ok());
    CHECK(shared->facts == d.facts);
    WHEN("a fact holds anything but its code") {
        d.facts = {"OBS De Regenboog", "9 oktober", "Jan is verhuisd", "Laan van Meerdervoort 1"};
        const auto refused = policy::share_task(d, "task-1", k);
        REQUIRE_FALSE(refused.ok());
        std::vector<std::string> pointers;
        for (const auto& p : refused.problems()) {
            pointers.push_back(p.pointer);
            CHECK(p.detail.find("Jan") == std::string::npos);
        }
        CHECK(pointers == std::vector<std::string>{"/facts/school_brin", "/facts/date", "/facts/reason_code",
                                                   "/facts/woongemeente"});
    }
}

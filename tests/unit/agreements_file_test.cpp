// The agreements file (privacy.agreements_file): the shipped example loads and every agreement in
// it names a processing activity of its register; bad files are refused with the place and why;
// the test-only default agreement covers every configured recipient.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "config/config.hpp"
#include "privacy/agreements_file.hpp"
#include "privacy/privacy_codec.hpp"
#include "support/files.hpp"
#include "support/service_process.hpp"

using namespace eenplan;
using namespace eenplan::service;

namespace {

Result<PrivacySeed> load_text(const std::string& text) {
    eenplan::testing::TempDir dir;
    const auto path = dir.path() / "agreements.yaml";
    std::ofstream(path) << text;
    return load_agreements_file(path.string());
}

const std::string activity =
    "processing_activities:\n"
    "  - {id: va-x, name: X, controller: C, purpose: P, legal_basis: L, data_categories: [task_type],\n"
    "     subject_categories: [pupils], recipients: [leerplicht], retention: P1Y}\n";

std::string agreement(int version, const std::string& categories, const std::string& basis) {
    return "  - {id: a, version: " + std::to_string(version) +
           ", valid_from: \"2026-01-01\", parties: [{kind: leerplicht}], purpose: verzuim, task_types: [\"*\"],\n"
           "     legal_basis: " +
           basis + ", processing_activity: va-x, categories: [" + categories + "], retention: P1Y}\n";
}

}  // namespace

SCENARIO("the shipped agreements example loads and names only activities of its register", "[privacy][config]") {
    const auto seed = load_agreements_file(eenplan::testing::source_file("deploy/config/agreements.example.yaml"));
    if (!seed) {
        for (const auto& p : seed.problems()) INFO(p.pointer << ": " << p.detail);
    }
    REQUIRE(seed.ok());
    std::set<std::string> activities;
    for (const auto& a : seed->activities) activities.insert(a->getValue<std::string>("id"));
    CHECK(activities.size() == seed->activities.size());
    REQUIRE_FALSE(seed->agreements.empty());
    for (const auto& a : seed->agreements) {
        INFO(a->getValue<std::string>("id"));
        CHECK(activities.count(a->getValue<std::string>("processing_activity")) == 1);
        CHECK(agreement_from_json(a).version >= 1);
    }
}

SCENARIO("a bad agreements file is refused with the place and why", "[privacy][config]") {
    const std::string statutory = "{kind: statutory_task, article: \"Leerplichtwet 1969 art. 18\"}";
    CHECK(load_text(activity + "agreements:\n" + agreement(1, "task_type", statutory)).ok());
    WHEN("an (id, version) is given twice") {
        const auto r = load_text(activity + "agreements:\n" + agreement(1, "task_type", statutory) +
                                 agreement(1, "task_type, due_date", statutory));
        REQUIRE_FALSE(r.ok());
        CHECK(r.problems()[0].pointer == "/agreements/1/version");
    }
    WHEN("a special category has no explicit basis") {
        const auto r = load_text(activity + "agreements:\n" + agreement(1, "task_type, health", statutory));
        REQUIRE_FALSE(r.ok());
        CHECK(r.problems()[0].pointer == "/agreements/0/legal_basis/special_category_basis");
    }
    WHEN("a statutory basis names no article") {
        CHECK_FALSE(load_text(activity + "agreements:\n" + agreement(1, "task_type", "{kind: statutory_task}")).ok());
    }
    WHEN("a category is unknown") {
        CHECK_FALSE(load_text(activity + "agreements:\n" + agreement(1, "task_type, bsn", statutory)).ok());
    }
}

SCENARIO("the test-only default agreement covers every configured recipient", "[privacy][config]") {
    Config config;
    config.recipients.push_back({});
    config.recipients.back().id = "gm0518";
    config.recipients.push_back({});
    config.recipients.back().id = "school-12ab";
    const PrivacySeed seed = test_default_seed(config);
    REQUIRE(seed.agreements.size() == 1);
    const auto a = agreement_from_json(seed.agreements[0]);
    CHECK(policy::covers(a, "gm0518", "", "leerplicht.inschrijving"));
    CHECK(policy::covers(a, "school-12ab", "", "anything"));
    CHECK_FALSE(policy::covers(a, "elsewhere", "leerplicht", "leerplicht.inschrijving"));
    CHECK_FALSE(policy::category_allowed_by(a, policy::Category::health));
}

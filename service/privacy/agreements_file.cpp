#include "privacy/agreements_file.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <Poco/JSON/Array.h>

#include "privacy/privacy_codec.hpp"
#include "privacy/privacy_store.hpp"
#include "validation/yaml_to_json.hpp"

namespace eenplan::service {

Result<PrivacySeed> load_agreements_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Problem{"", "cannot be read"};
    std::stringstream text;
    text << in.rdbuf();
    auto node = load_checked_yaml(text.str(), "privacy/agreements_file.schema.json");
    if (!node) return node.problems();
    const auto document = yaml_to_json(node.value());
    if (document.isEmpty()) return PrivacySeed{};
    const auto root = document.extract<Poco::JSON::Object::Ptr>();
    PrivacySeed seed;
    Problems problems;
    if (const auto list = root->getArray("processing_activities")) {
        for (std::size_t i = 0; i < list->size(); ++i)
            seed.activities.push_back(list->getObject(static_cast<unsigned>(i)));
    }
    std::set<std::pair<std::string, int>> seen;
    if (const auto list = root->getArray("agreements")) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto a = list->getObject(static_cast<unsigned>(i));
            const std::string at = "/agreements/" + std::to_string(i);
            for (const Problem& p : check_agreement(a)) problems.push_back({at + p.pointer, p.detail});
            if (!seen.emplace(a->getValue<std::string>("id"), a->getValue<int>("version")).second) {
                problems.push_back({at + "/version", "repeats an id and version given before"});
            }
            seed.agreements.push_back(a);
        }
    }
    if (!problems.empty()) return problems;
    return seed;
}

PrivacySeed test_default_seed(const Config& config) {
    PrivacySeed seed;
    auto strings = [](std::initializer_list<const char*> items) {
        Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
        for (const char* i : items) a->add(std::string(i));
        return a;
    };
    const auto categories = strings({"recipient_pseudonym", "task_type", "due_date", "school", "event_date",
                                     "reason_code", "woongemeente", "absence_summary", "youth_care_involvement"});
    Poco::JSON::Object::Ptr activity = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    activity->set("id", std::string("test-default"));
    activity->set("name", std::string("Test: every delivery"));
    activity->set("controller", std::string("test"));
    activity->set("purpose", std::string("tests that are not about data sharing"));
    activity->set("legal_basis", std::string("test"));
    activity->set("data_categories", categories);
    activity->set("subject_categories", strings({"pupils"}));
    activity->set("recipients", strings({"test"}));
    activity->set("retention", std::string("P1D"));
    seed.activities.push_back(activity);

    Poco::JSON::Object::Ptr agreement = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    agreement->set("id", std::string("test-default"));
    agreement->set("version", 1);
    agreement->set("valid_from", std::string("2000-01-01"));
    Poco::JSON::Array::Ptr parties = new Poco::JSON::Array;
    for (const RecipientConfig& r : config.recipients) {
        Poco::JSON::Object::Ptr p = new Poco::JSON::Object;
        p->set("organisation", r.id);
        parties->add(p);
    }
    agreement->set("parties", parties);
    agreement->set("purpose", std::string("test"));
    agreement->set("task_types", strings({"*"}));
    Poco::JSON::Object::Ptr basis = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    basis->set("kind", std::string("statutory_task"));
    basis->set("article", std::string("test"));
    agreement->set("legal_basis", basis);
    agreement->set("processing_activity", std::string("test-default"));
    agreement->set("categories", categories);
    agreement->set("retention", std::string("P1D"));
    seed.agreements.push_back(agreement);
    return seed;
}

Problems apply_seed(PrivacyStore& store, const PrivacySeed& seed, std::int64_t now_us) {
    Problems problems;
    std::set<std::string> activities;
    for (std::size_t i = 0; i < seed.activities.size(); ++i) {
        const std::string id = seed.activities[i]->getValue<std::string>("id");
        activities.insert(id);
        if (store.seed_activity(id, seed.activities[i]) == SeedOutcome::differs) {
            problems.push_back({"/processing_activities/" + std::to_string(i),
                                "differs from the stored activity with this id; change it through the API"});
        }
    }
    for (std::size_t i = 0; i < seed.agreements.size(); ++i) {
        const auto& a = seed.agreements[i];
        const std::string activity = a->getValue<std::string>("processing_activity");
        if (activities.count(activity) == 0 && !store.activity_exists(activity)) {
            problems.push_back({"/agreements/" + std::to_string(i) + "/processing_activity",
                                "names no processing activity of the register"});
            continue;
        }
        if (store.seed_agreement(a, now_us) == SeedOutcome::differs) {
            problems.push_back({"/agreements/" + std::to_string(i),
                                "differs from the stored version with this id and version; a version is never "
                                "edited: add the next version"});
        }
    }
    return problems;
}

}  // namespace eenplan::service

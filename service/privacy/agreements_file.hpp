// The agreements file (privacy.agreements_file): processing activities and agreement versions a
// deployment starts with, so a demo or a fresh hub delivers under real agreements from its first
// task. Each activity and each (agreement id, version) is stored once; a file that changes a
// stored version stops the start-up (versions are never edited: add a new version instead).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "config/config.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::service {

class PrivacyStore;

struct PrivacySeed {
    std::vector<Poco::JSON::Object::Ptr> activities;
    std::vector<Poco::JSON::Object::Ptr> agreements;  // each with its version
};

// Reads and checks the file (YAML against schemas/privacy/agreements_file.schema.json, then the
// agreement rules). Problems point into the file.
Result<PrivacySeed> load_agreements_file(const std::string& path);

// testing.default_agreement: one agreement over every configured recipient and task type.
PrivacySeed test_default_seed(const Config& config);

// Stores the seed. Problems: a stored version or activity the seed would change, an agreement
// pointing at no processing activity.
Problems apply_seed(PrivacyStore& store, const PrivacySeed& seed, std::int64_t now_us);

}  // namespace eenplan::service

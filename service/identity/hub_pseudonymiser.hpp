// The hub's own pseudonyms for linking signals: keyed pseudonyms in the "hub" domain under the
// current (highest) key version. Keys come from files named in the configuration and never enter
// the database.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "eenplan/core/keyed_pseudonym.hpp"

namespace eenplan::service {

// Reads a key file: at least 32 bytes as hex (e.g. `openssl rand -hex 32`), surrounding white
// space ignored. Problems name the file, never its contents.
Result<VersionedKey> load_key_file(const KeyFile& file);

class HubPseudonymiser {
public:
    explicit HubPseudonymiser(std::vector<VersionedKey> keys);
    // Loads every configured key file; problems point into the configuration.
    static Result<HubPseudonymiser> from_config(const std::vector<KeyFile>& files);

    [[nodiscard]] std::string pseudonymise(const PersonNumber& number) const;
    [[nodiscard]] std::uint32_t current_version() const { return current_->version(); }

private:
    std::vector<VersionedKey> keys_;
    const VersionedKey* current_;
};

}  // namespace eenplan::service

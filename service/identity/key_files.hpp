// Reading key material from the files the configuration names. Keys never enter the database;
// problems name the file, never its contents.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "eenplan/core/key_ring.hpp"
#include "eenplan/core/polymorphic.hpp"

namespace eenplan::service {

// A key file holds at least 32 bytes as hex (e.g. `openssl rand -hex 32`); white space is ignored.
Result<VersionedKey> load_key_file(const KeyFile& file);

// Every configured pseudonym key; the highest version is current. Problems point into the config.
Result<KeyRing> load_key_ring(const std::vector<KeyFile>& files);

// The tenant data key ring: the configured `keys.data_keys` (exactly 32 bytes each, for
// AES-256-GCM; the highest version is current), or, when none are configured, the pseudonym ring
// derived for the purpose "field-data" (key_derivation.hpp). `derived` says which it was.
struct DataKeys {
    KeyRing ring;
    bool derived;
};
Result<DataKeys> load_data_keys(const Config& config);

// The polymorphic master keys: a YAML file with `y`, `reshuffle_secret` and `rekey_secret` as hex,
// as written by `eenplan-keys generate`.
Result<PolymorphicMasterKeys> load_master_keys(const std::string& path);
std::string master_keys_yaml(const Bytes& y, const Bytes& reshuffle_secret, const Bytes& rekey_secret);

}  // namespace eenplan::service

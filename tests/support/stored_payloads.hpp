// Opens a payload the service stored under a payload key (service/retention/payload_keys.hpp)
// with the keys its configuration names: the tenant data key (or the one derived from the
// pseudonym keys) and the key store (retention.key_store, else the main store). For tests that
// look at what is stored; links eenplan_service_lib.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include <soci/soci.h>

#include "config/config.hpp"
#include "identity/key_files.hpp"
#include "retention/payload_keys.hpp"
#include "store/database.hpp"

namespace eenplan::testing {

class StoredPayloads {
public:
    // `config_file`: the service's configuration (ServiceProcess::config_file()).
    explicit StoredPayloads(const std::filesystem::path& config_file) {
        auto config = service::load_config(config_file.string());
        if (!config) throw std::runtime_error("the service configuration does not load");
        config_ = std::move(config).value();
        auto keys = service::load_data_keys(config_);
        if (!keys) throw std::runtime_error("the data keys do not load");
        if (config_.retention.key_store) key_store_.emplace(*config_.retention.key_store);
        keys_.emplace(key_store_ ? &*key_store_ : nullptr, keys.value().ring);
    }

    // The plaintext of a stored value, or nullopt when it does not open (its key is gone).
    std::optional<std::string> open(soci::session& sql, const std::string& table, const std::string& row,
                                    const std::string& column, const std::string& stored) const {
        return keys_->open(sql, table, row, column, stored);
    }
    std::string must_open(soci::session& sql, const std::string& table, const std::string& row,
                          const std::string& column, const std::string& stored) const {
        auto text = open(sql, table, row, column, stored);
        if (!text) throw std::runtime_error("a stored payload does not open");
        return *text;
    }

private:
    service::Config config_;
    std::optional<service::Database> key_store_;
    std::optional<service::PayloadKeys> keys_;
};

}  // namespace eenplan::testing

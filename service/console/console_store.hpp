// The console's data views over the store (console_api/console_api.hpp): the integration log
// (signals received and delivery attempts, keyset-paged), one correlation id's path, delivery
// issues, the health of sources and recipients, and the dashboard's aggregates. The SQL lives
// here; the suppression, percentile and cause rules in the core (core/console/aggregates.hpp).
#pragma once

#include "common/store_types.hpp"
#include "config/config.hpp"
#include "console_api/console_api.hpp"

namespace eenplan::service {

class ConsoleStore : public ConsoleApi {
public:
    ConsoleStore(Database& database, const Config& config) : database_(database), config_(config) {}

    Poco::JSON::Object::Ptr messages(const MessageFilter& filter) override;
    Poco::JSON::Object::Ptr correlation(const std::string& correlation_id) override;
    Poco::JSON::Object::Ptr delivery_issues(bool open_only) override;
    std::optional<std::vector<std::string>> issue_deliveries(const std::string& issue_id) override;
    Poco::JSON::Object::Ptr health(std::int64_t now_us, const std::map<std::string, std::string>& circuits) override;
    Poco::JSON::Object::Ptr dashboard(std::int64_t from_us, std::int64_t to_us) override;

private:
    Database& database_;
    const Config& config_;
};

}  // namespace eenplan::service

// The console's data API (docs/console-api.md): the integration log, one correlation id's path,
// delivery issues with bulk retry and cancel, the health of sources and recipients, and the
// dashboard's suppressed aggregates. Authenticated and audited by the route handler like every
// admin route: reading needs admin_read, the retry and cancel of an issue admin_write.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "console_api/console_api.hpp"
#include "http/query.hpp"
#include "http/record_handlers.hpp"

namespace eenplan::service {

// The integration log's query: direction, party, type, status, from, to, correlation_id,
// cursor, limit (1..500, default 50). Problems name the parameter (/direction, /limit, ...).
Result<MessageFilter> parse_message_filter(const Query& query);
// The dashboard's range: from and to (RFC 3339 date-time or date), by default the last 24 hours
// up to `now_us`; at most 31 days, from before to.
Result<std::pair<std::int64_t, std::int64_t>> parse_dashboard_range(const Query& query, std::int64_t now_us);

class ConsoleHandler : public AdminHandler {
public:
    enum class Action { messages, correlation, issues, retry_issue, cancel_issue, health, dashboard };
    ConsoleHandler(ServiceContext& context, Action action, std::string id = {})
        : AdminHandler(context, action == Action::retry_issue || action == Action::cancel_issue ? AdminAccess::write
                                                                                                : AdminAccess::read),
          action_(action),
          id_(std::move(id)) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    void issue_action(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    Action action_;
    std::string id_;
};

}  // namespace eenplan::service

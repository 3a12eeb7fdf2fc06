// The query strings of the admin API (GET /v1/audit, the console's integration log and dashboard,
// and the shared query reader) over any text, with the console's cursor and instants inside them.
#include "eenplan/core/console/aggregates.hpp"
#include "fuzz_input.hpp"
#include "http/audit_handlers.hpp"
#include "http/console_handlers.hpp"
#include "http/query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = eenplan::fuzz::text(data, size);
    const std::string uri = "/v1/audit?" + text;
    if (const auto query = eenplan::service::parse_query(uri)) {
        (void)query->value("limit", "100");
        (void)eenplan::service::parse_message_filter(query.value());
        (void)eenplan::service::parse_dashboard_range(query.value(), 1'764'676'800'000'000);
    }
    (void)eenplan::service::parse_audit_query(uri);
    if (const auto cursor = eenplan::console::decode_cursor(text)) (void)eenplan::console::encode_cursor(*cursor);
    (void)eenplan::console::parse_instant(text);
    (void)eenplan::service::parse_issue_id(text);
    return 0;
}

// The query strings of the admin API (GET /v1/audit and the shared query reader) over any text.
#include "fuzz_input.hpp"
#include "http/audit_handlers.hpp"
#include "http/query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string uri = "/v1/audit?" + eenplan::fuzz::text(data, size);
    if (const auto query = eenplan::service::parse_query(uri)) (void)query->value("limit", "100");
    (void)eenplan::service::parse_audit_query(uri);
    return 0;
}

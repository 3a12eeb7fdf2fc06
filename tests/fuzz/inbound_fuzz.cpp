// One inbound mapper per binary (EENPLAN_FUZZ_MAPPER): vendor payload -> canonical signal.
// A mapper meeting a value of the wrong type may throw from Poco's conversions (found by
// hostile_input_http_test); the HTTP handler answers those 422, so Poco::Exception is tolerated
// here and anything else (a crash, a sanitizer report, another exception) is a finding.
#include <Poco/Exception.h>

#include "fuzz_input.hpp"
#include "inbound/brp_mutation.hpp"
#include "inbound/las_magister.hpp"
#include "inbound/las_parnassys.hpp"
#include "inbound/las_somtoday.hpp"
#include "inbound/zgw_notification.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) try {
    using namespace eenplan::inbound;
    const std::string body = eenplan::fuzz::text(data, size);
    const SchoolDefaults school{std::string("12AB"), std::string("GM0518")};
    const std::string now = "2026-11-20T08:30:00Z";
#if EENPLAN_FUZZ_MAPPER == 1
    (void)map_parnassys(body, school, now);
#elif EENPLAN_FUZZ_MAPPER == 2
    (void)map_magister(body, school, now);
#elif EENPLAN_FUZZ_MAPPER == 3
    (void)map_somtoday(body, school, now);
#elif EENPLAN_FUZZ_MAPPER == 4
    (void)map_brp_mutation(body, now);
#else
    // A notification and a rol body, split at 0x1F.
    const auto parts = eenplan::fuzz::fields(data, size, 2);
    const auto notification = parse_notification(parts[0]);
    if (notification) {
        (void)youth_care_provider(notification.value(), {{"https://zaken.example/zaaktypen/1", "jeugdteam"}});
        (void)map_youth_care_rol(notification.value(), parts[1], "jeugdteam");
    }
#endif
    return 0;
} catch (const Poco::Exception&) {
    return 0;
}

// The hand-written date and time parsers, and the JSON bounds pre-pass.
#include "eenplan/core/date_time.hpp"
#include "eenplan/core/json_bounds.hpp"
#include "fuzz_input.hpp"
#include "inbound/canonical.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace eenplan;
    const std::string text = fuzz::text(data, size);
    (void)date_time::parse_full_date(text);
    (void)date_time::is_full_time(text);
    (void)date_time::is_date_time(text);
    (void)inbound::to_iso_date(text);
    (void)json_bounds::check(text);
    return 0;
}

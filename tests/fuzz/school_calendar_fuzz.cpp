// School calendar files: YAML -> JSON -> schema -> typed SchoolCalendar.
#include "fuzz_input.hpp"
#include "routeboek/school_calendar_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)eenplan::service::parse_school_calendar(eenplan::fuzz::text(data, size));
    return 0;
}

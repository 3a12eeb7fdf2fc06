// Routeboek scenario files (--check-routeboek): YAML -> JSON -> scenario schema -> each signal
// through the signal schema and codec -> typed Scenario.
#include "fuzz_input.hpp"
#include "routeboek/routeboek_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)eenplan::service::parse_scenario(eenplan::fuzz::text(data, size));
    return 0;
}

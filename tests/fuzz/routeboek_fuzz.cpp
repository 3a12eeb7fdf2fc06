// Routeboek files: YAML -> JSON -> schema -> typed Routeboek.
#include "fuzz_input.hpp"
#include "routeboek/routeboek_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)eenplan::service::parse_routeboek(eenplan::fuzz::text(data, size));
    return 0;
}

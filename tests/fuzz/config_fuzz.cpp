// Configuration files: YAML -> JSON -> schema -> typed Config. Files it names do not exist.
#include "config/config.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)eenplan::service::parse_config(eenplan::fuzz::text(data, size), "/nonexistent-fuzz-dir");
    return 0;
}

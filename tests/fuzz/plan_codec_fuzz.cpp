// The plan codec: decode what the store holds, and encode it back.
#include "fuzz_input.hpp"
#include "plan/plan_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (const auto plan = eenplan::service::decode_plan(eenplan::fuzz::text(data, size))) {
        (void)eenplan::service::encode_plan(plan.value());
    }
    return 0;
}

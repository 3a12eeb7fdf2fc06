// Delivery inputs from outside: a receiver's Retry-After value and shared-task JSON.
#include "fuzz_input.hpp"
#include "outbound/http_client.hpp"
#include "outbound/task_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = eenplan::fuzz::text(data, size);
    (void)eenplan::integration::parse_retry_after(text, 1'800'000'000);
    if (const auto task = eenplan::integration::task_from_json(text)) {
        (void)eenplan::integration::task_to_json(task.value());
    }
    return 0;
}

// base64, base32 and hex: decoding anything, and encode(decode(x)) decoding back to the same bytes.
#include <cstdlib>

#include "eenplan/core/encoding.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace eenplan;
    const std::string text = fuzz::text(data, size);
    if (const auto b = base64_decode(text)) {
        if (base64_decode(base64_encode(*b)) != b) std::abort();
    }
    if (const auto b = base32_decode(text)) {
        if (base32_decode(base32_encode(*b)) != b) std::abort();
    }
    if (const auto b = hex_decode(text)) {
        if (hex_decode(hex_encode(*b)) != b) std::abort();
    }
    const std::span<const std::uint8_t> bytes(data, size);
    if (base64_decode(base64_encode(bytes)) != Bytes(data, data + size)) std::abort();
    if (base32_decode(base32_encode(bytes)) != Bytes(data, data + size)) std::abort();
    if (hex_decode(hex_encode(bytes)) != Bytes(data, data + size)) std::abort();
    return 0;
}

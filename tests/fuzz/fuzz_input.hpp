// Shared by the libFuzzer targets: the input as text, and splitting it into fields at 0x1F
// (ASCII unit separator) for targets that take several strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eenplan::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

inline std::vector<std::string> fields(const std::uint8_t* data, std::size_t size, std::size_t count) {
    std::vector<std::string> out(count);
    std::size_t field = 0;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0x1F && field + 1 < count) {
            ++field;
            continue;
        }
        out[field] += static_cast<char>(data[i]);
    }
    return out;
}

}  // namespace eenplan::fuzz

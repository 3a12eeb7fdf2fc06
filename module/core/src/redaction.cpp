#include "eenplan/core/redaction.hpp"

namespace eenplan {

std::string redact_person_numbers(std::string_view text) {
    constexpr std::size_t shortest_number = 8;  // a BSN may lose its leading zero
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        if (j - i >= shortest_number) {
            out += "[redacted]";
        } else {
            out.append(text.substr(i, j - i));
        }
        if (j < text.size()) out += text[j];
        i = j + 1;
    }
    return out;
}

}  // namespace eenplan

#include "eenplan/core/sealed_text.hpp"

#include "eenplan/core/field_encryption.hpp"

namespace eenplan {
namespace {

std::string binding(std::string_view table, std::string_view row, std::string_view column) {
    std::string out = "eenplan/v1|text|";
    out.append(table).append("|").append(row).append("|").append(column);
    return out;
}

}  // namespace

std::string TextSealer::seal(std::string_view table, std::string_view row, std::string_view column,
                             std::string_view text) const {
    return encrypt_field(ring_, text, binding(table, row, column));
}

Result<std::string> TextSealer::open(std::string_view table, std::string_view row, std::string_view column,
                                     std::string_view stored) const {
    if (field_key_version(stored) == 0) return std::string(stored);
    return decrypt_field(ring_, stored, binding(table, row, column));
}

std::string TextSealer::open_or_placeholder(std::string_view table, std::string_view row, std::string_view column,
                                            std::string_view stored) const {
    auto text = open(table, row, column, stored);
    return text ? std::move(text).value() : std::string(unreadable_text);
}

bool TextSealer::sealed_here(std::string_view table, std::string_view row, std::string_view column,
                             std::string_view stored) const {
    return field_key_version(stored) != 0 && decrypt_field(ring_, stored, binding(table, row, column)).ok();
}

}  // namespace eenplan

// Free text people type (an override's reason, a merge's reason, any other reason or note) as it
// is stored: field-encrypted (field_encryption.hpp) with the tenant data key ring and bound to the
// table, row and column it belongs to, so that neither a database dump nor a backup holds it
// readable, and a sealed value copied into another row or column no longer opens.
//
//   associated data = "eenplan/v1|text|" + table + "|" + row + "|" + column
//
// `row` is the row's own id (e.g. a merge_id), or for text inside a JSON document the document's
// row id and the JSON Pointer of the value as the column ("plans", family id, "/overrides/0/reason").
#pragma once

#include <string>
#include <string_view>

#include "eenplan/core/key_ring.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan {

class TextSealer {
public:
    explicit TextSealer(KeyRing ring) : ring_(std::move(ring)) {}

    [[nodiscard]] std::string seal(std::string_view table, std::string_view row, std::string_view column,
                                   std::string_view text) const;
    // The text, or a problem when the value does not open here (other key, other row, tampered).
    // A value that is not sealed at all (stored before sealing began and not yet migrated) is
    // returned as it is: the caller cannot tell it apart from text, and refusing it would hide it.
    [[nodiscard]] Result<std::string> open(std::string_view table, std::string_view row, std::string_view column,
                                           std::string_view stored) const;
    // For views: the text, or a fixed placeholder when it does not open (never the stored value).
    [[nodiscard]] std::string open_or_placeholder(std::string_view table, std::string_view row, std::string_view column,
                                                  std::string_view stored) const;
    // True when `stored` is a value sealed for exactly this place under a key of this ring: the
    // migration that seals old rows leaves those alone and seals everything else.
    [[nodiscard]] bool sealed_here(std::string_view table, std::string_view row, std::string_view column,
                                   std::string_view stored) const;

    [[nodiscard]] const KeyRing& ring() const noexcept { return ring_; }

private:
    KeyRing ring_;
};

inline constexpr std::string_view unreadable_text = "(unreadable)";

}  // namespace eenplan

// Person numbers: the BSN (burgerservicenummer) and the onderwijsnummer that DUO issues to pupils
// without a BSN. Both are nine digits checked by a variant of the "11-proef".
//
// PersonNumber is deliberately hard to leak: it has no operator<<, to_string() is redacted, the
// digits are only reachable through digits_for_keyed_use(), and its storage is wiped on
// destruction. Copying is allowed (the value must travel through the pipeline) but each copy wipes
// itself too.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "eenplan/core/result.hpp"

namespace eenplan {

enum class PersonNumberKind { bsn, onderwijsnummer };

// The JSON field name of a kind: "bsn" or "onderwijsnummer".
std::string_view to_string(PersonNumberKind kind);

// BSN: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11, and the number is not all zeros.
bool passes_bsn_elfproef(std::string_view digits);
// Onderwijsnummer: 9*d1 + ... + 2*d8 + 1*d9 leaves remainder 5 when divided by 11, so that no
// onderwijsnummer is also a valid BSN; DUO issues them in the range starting with "10".
bool passes_onderwijsnummer_elfproef(std::string_view digits);

class PersonNumber {
public:
    PersonNumber(const PersonNumber& other) = default;
    PersonNumber& operator=(const PersonNumber& other) = default;
    ~PersonNumber();

    // Accepts exactly nine ASCII digits; a BSN may also be given as eight digits, which the
    // municipal registers allow (a leading zero dropped). The pointer names the input field for
    // the problem; the problem never contains the number.
    static Result<PersonNumber> parse(PersonNumberKind kind, std::string_view text, std::string pointer);

    [[nodiscard]] PersonNumberKind kind() const noexcept { return kind_; }

    // "bsn:*******12": enough to tell two numbers apart in a support call, never the whole number.
    [[nodiscard]] std::string to_string() const;

    // The nine digits, for keyed hashing and encryption only. Named so that a review spots misuse.
    [[nodiscard]] std::string_view digits_for_keyed_use() const noexcept { return {digits_.data(), digits_.size()}; }

    friend bool operator==(const PersonNumber&, const PersonNumber&) = default;

private:
    PersonNumber(PersonNumberKind kind, std::string_view digits);

    PersonNumberKind kind_;
    std::array<char, 9> digits_{};
};

}  // namespace eenplan

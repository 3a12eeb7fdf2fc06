#include "eenplan/core/person_number.hpp"

#include <algorithm>
#include <openssl/crypto.h>

namespace eenplan {
namespace {

bool all_digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Sum of 9*d1 + 8*d2 + ... + 2*d8, the part both proofs share.
int weighted_prefix_sum(std::string_view digits) {
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (9 - i) * (digits[static_cast<std::size_t>(i)] - '0');
    return sum;
}

}  // namespace

std::string_view to_string(PersonNumberKind kind) { return kind == PersonNumberKind::bsn ? "bsn" : "onderwijsnummer"; }

bool passes_bsn_elfproef(std::string_view digits) {
    if (digits.size() != 9 || !all_digits(digits) || digits == "000000000") return false;
    return (weighted_prefix_sum(digits) - (digits[8] - '0')) % 11 == 0;
}

bool passes_onderwijsnummer_elfproef(std::string_view digits) {
    if (digits.size() != 9 || !all_digits(digits)) return false;
    return (weighted_prefix_sum(digits) + (digits[8] - '0')) % 11 == 5;
}

PersonNumber::PersonNumber(PersonNumberKind kind, std::string_view digits) : kind_(kind) {
    std::copy(digits.begin(), digits.end(), digits_.begin());
}

PersonNumber::~PersonNumber() { OPENSSL_cleanse(digits_.data(), digits_.size()); }

Result<PersonNumber> PersonNumber::parse(PersonNumberKind kind, std::string_view text, std::string pointer) {
    std::array<char, 9> buffer{};
    std::string_view digits = text;
    if (kind == PersonNumberKind::bsn && text.size() == 8 && all_digits(text)) {
        buffer[0] = '0';
        std::copy(text.begin(), text.end(), buffer.begin() + 1);
        digits = {buffer.data(), buffer.size()};
    }
    Result<PersonNumber> result = [&]() -> Result<PersonNumber> {
        if (digits.size() != 9 || !all_digits(digits)) {
            return Problem{pointer, "must be nine digits"};
        }
        if (kind == PersonNumberKind::bsn && !passes_bsn_elfproef(digits)) {
            return Problem{pointer, "is not a valid BSN: it fails the 11-proef"};
        }
        if (kind == PersonNumberKind::onderwijsnummer && !passes_onderwijsnummer_elfproef(digits)) {
            return Problem{pointer, "is not a valid onderwijsnummer: it fails the 11-proef"};
        }
        return PersonNumber(kind, digits);
    }();
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return result;
}

std::string PersonNumber::to_string() const {
    std::string out(eenplan::to_string(kind_));
    out += ":*******";
    out.append(digits_.data() + 7, 2);
    return out;
}

}  // namespace eenplan

#include "synthetic_people.hpp"

#include "eenplan/core/person_number.hpp"

namespace eenplan::simulators {
namespace {

template <typename Check>
std::string first_valid_from(std::uint64_t start, Check check) {
    for (std::uint64_t candidate = start;; ++candidate) {
        std::string digits = std::to_string(candidate);
        digits.insert(0, 9 - digits.size(), '0');
        if (check(digits)) return digits;
    }
}

}  // namespace

std::string synthetic_bsn(std::uint32_t n) {
    return first_valid_from(900000000ULL + std::uint64_t{n} * 1009 % 99000000, passes_bsn_elfproef);
}

std::string synthetic_onderwijsnummer(std::uint32_t n) {
    return first_valid_from(100000000ULL + std::uint64_t{n} * 1013 % 9000000, passes_onderwijsnummer_elfproef);
}

}  // namespace eenplan::simulators

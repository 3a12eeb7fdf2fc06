// Last line of defence for text that leaves the process (problem details, log lines): any run of
// eight or more digits, the shape of a BSN or onderwijsnummer, is replaced by "[redacted]".
// Code should never put a number there in the first place; this catches what slips through.
#pragma once

#include <string>
#include <string_view>

namespace eenplan {

std::string redact_person_numbers(std::string_view text);

}  // namespace eenplan

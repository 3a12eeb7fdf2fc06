// Synthetic person numbers for demos and tests: deterministic, valid under the 11-proef, and
// clearly not taken from anyone's records.
#pragma once

#include <cstdint>
#include <string>

namespace eenplan::simulators {

// The n-th valid BSN at or after 900000000 + n * 1009 (a range the demo owns by convention).
std::string synthetic_bsn(std::uint32_t n);
// The n-th valid onderwijsnummer, in DUO's "10" range.
std::string synthetic_onderwijsnummer(std::uint32_t n);

}  // namespace eenplan::simulators

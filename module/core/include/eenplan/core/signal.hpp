// The signal: one fact about one pupil from a school or municipal system. The JSON Schema in
// schemas/signals/ checks its shape; this file holds the domain's names for it and the rules a
// schema cannot express.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eenplan/core/result.hpp"

namespace eenplan {

enum class SignalType {
    enrolment_started,  // inschrijving
    enrolment_ended,    // uitschrijving
    absence_reported,   // verzuimmelding: ongeoorloofd, geoorloofd or ziekte
    support_started,    // a youth team, JGZ, SMW or leerplicht starts supporting the pupil
    household_composition,  // the municipality's view of a household: parents and children
    person_moved,       // a new woongemeente from a date on
};

std::optional<SignalType> parse_signal_type(std::string_view text);
std::string_view to_string(SignalType type);

// The school a signal comes from: its BRIN and the CBS code of the municipality it stands in
// (which need not be the pupil's woongemeente).
struct SchoolRef {
    std::string brin;
    std::string gemeentecode;
};

// An absence period: dates are ISO 8601 calendar dates ("2026-09-14"), `to` inclusive and
// absent while the absence goes on. Returns a problem when `to` lies before `from`.
Problems check_absence_period(std::string_view from, std::optional<std::string_view> to);

}  // namespace eenplan

#include "eenplan/core/signal.hpp"

#include <array>
#include <utility>

namespace eenplan {
namespace {

constexpr std::array<std::pair<SignalType, std::string_view>, 6> names{{
    {SignalType::enrolment_started, "enrolment.started"},
    {SignalType::enrolment_ended, "enrolment.ended"},
    {SignalType::absence_reported, "absence.reported"},
    {SignalType::support_started, "support.started"},
    {SignalType::household_composition, "household.composition"},
    {SignalType::person_moved, "person.moved"},
}};

}  // namespace

std::optional<SignalType> parse_signal_type(std::string_view text) {
    for (const auto& [type, name] : names) {
        if (name == text) return type;
    }
    return std::nullopt;
}

std::string_view to_string(SignalType type) {
    for (const auto& [t, name] : names) {
        if (t == type) return name;
    }
    return "unknown";
}

Problems check_absence_period(std::string_view from, std::optional<std::string_view> to) {
    // Both are schema-checked "YYYY-MM-DD", which order correctly as text.
    if (to && *to < from) return {Problem{"/data/to", "lies before /data/from"}};
    return {};
}

}  // namespace eenplan

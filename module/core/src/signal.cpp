#include "eenplan/core/signal.hpp"

#include <utility>

namespace eenplan {
namespace {

constexpr std::array<std::pair<SignalType, std::string_view>, signal_type_count> names{{
    {SignalType::enrolment_started, "enrolment.started"},
    {SignalType::enrolment_ended, "enrolment.ended"},
    {SignalType::absence_reported, "absence.reported"},
    {SignalType::support_started, "support.started"},
    {SignalType::household_composition, "household.composition"},
    {SignalType::person_moved, "person.moved"},
    {SignalType::attendance_partial, "attendance.partial"},
    {SignalType::mdo_held, "mdo.held"},
    {SignalType::case_registered, "case.registered"},
    {SignalType::table_outcome, "table.outcome"},
    {SignalType::youthcare_started, "youthcare.started"},
    {SignalType::youthcare_ended, "youthcare.ended"},
    {SignalType::concern_raised, "concern.raised"},
}};

// The variant's alternatives must follow the enum, so that Signal::type() is its index.
template <std::size_t... I>
constexpr bool alternatives_follow_enum(std::index_sequence<I...>) {
    return ((std::variant_alternative_t<I, SignalData>::type == static_cast<SignalType>(I)) && ...);
}
static_assert(alternatives_follow_enum(std::make_index_sequence<signal_type_count>{}));

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

const std::array<SignalType, signal_type_count>& all_signal_types() {
    static const std::array<SignalType, signal_type_count> types = [] {
        std::array<SignalType, signal_type_count> out{};
        for (std::size_t i = 0; i < signal_type_count; ++i) out[i] = names[i].first;
        return out;
    }();
    return types;
}

Problems check_absence_period(std::string_view from, std::optional<std::string_view> to) {
    // Both are schema-checked "YYYY-MM-DD", which order correctly as text.
    if (to && *to < from) return {Problem{"/data/to", "lies before /data/from"}};
    return {};
}

Problems check(const Signal& signal) {
    Problems problems;
    if (!signal.occurred_on()) problems.push_back({"/occurred_at", "is not a date-time"});
    if (const auto* absence = std::get_if<AbsenceReported>(&signal.data)) {
        if (absence->to && *absence->to < absence->from) problems.push_back({"/data/to", "lies before /data/from"});
    }
    return problems;
}

}  // namespace eenplan

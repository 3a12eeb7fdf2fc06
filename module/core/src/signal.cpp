#include "eenplan/core/signal.hpp"

#include <algorithm>
#include <utility>

#include "eenplan/core/policy/agreement.hpp"

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
    {SignalType::consent_given, "consent.given"},
    {SignalType::consent_withdrawn, "consent.withdrawn"},
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
    if (const auto* consent = std::get_if<ConsentGiven>(&signal.data)) {
        if (consent->valid_until && *consent->valid_until < consent->valid_from) {
            problems.push_back({"/data/valid_until", "lies before /data/valid_from"});
        }
        policy::Consent c;
        c.purpose = consent->purpose;
        for (const std::string& g : consent->given_by) {
            c.given_by.push_back(g == "parent" ? policy::Grantor::parent : policy::Grantor::young_person);
        }
        c.age_band = consent->age_band == "16_plus"    ? policy::AgeBand::from_16
                     : consent->age_band == "12_to_15" ? policy::AgeBand::from_12_to_15
                                                       : policy::AgeBand::under_12;
        if (!policy::consent_given_by_the_right_people(c)) {
            problems.push_back({"/data/given_by",
                                "is not who must consent at this age: under 12 a parent; 12 to 15 a parent (for "
                                "youth care a parent and the young person); from 16 the young person"});
        }
    }
    return problems;
}

}  // namespace eenplan

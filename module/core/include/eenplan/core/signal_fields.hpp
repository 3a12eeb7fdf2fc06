// The field list of each signal type: one function per type names every field of its `data`
// once, and every reader and writer walks it: the service's JSON codec
// (integration/codec/signal_json.cpp, over Poco) and the Node-API addon's reader of JavaScript
// objects (module/node/routeboek_check.cpp). A visitor V has
//   v(name, member)      for std::string, Day, int, bool, double, their std::optional, and
//                        std::vector<std::string>
//   v.count(name, int&)  for a count that a request may give as the list it counts.
#pragma once

#include <cstddef>
#include <utility>

#include "eenplan/core/signal.hpp"

namespace eenplan::signal_fields {

template <typename V>
void fields(V& v, EnrolmentStarted& d) {
    v("start_date", d.start_date);
    v("sector", d.sector);
    v("leerjaar", d.leerjaar);
}
template <typename V>
void fields(V& v, EnrolmentEnded& d) {
    v("end_date", d.end_date);
    v("reason", d.reason);
}
template <typename V>
void fields(V& v, AbsenceReported& d) {
    v("absence_kind", d.absence_kind);
    v("from", d.from);
    v("to", d.to);
    v("hours", d.hours);
}
template <typename V>
void fields(V& v, SupportStarted& d) {
    v("start_date", d.start_date);
    v("provider", d.provider);
}
// A request lists the members (the pipeline pseudonymises them); the envelope keeps the count.
template <typename V>
void fields(V& v, HouseholdComposition& d) {
    v("gemeentecode", d.gemeentecode);
    v.count("members", d.members);
}
template <typename V>
void fields(V& v, PersonMoved& d) {
    v("gemeentecode", d.gemeentecode);
    v("date", d.date);
    v("birth_year", d.birth_year);
}
template <typename V>
void fields(V& v, AttendancePartial& d) {
    v("from", d.from);
    v("to", d.to);
    v("approaches", d.approaches);
    v("hours_per_week", d.hours_per_week);
}
template <typename V>
void fields(V& v, MdoHeld& d) {
    v("escalate", d.escalate);
    v("outcome", d.outcome);
    v("goals", d.goals);
    v("dissent", d.dissent);
}
template <typename V>
void fields(V& v, CaseRegistered& d) {
    v("table", d.table);
    v("registered_by", d.registered_by);
}
template <typename V>
void fields(V& v, TableOutcome& d) {
    v("table", d.table);
    v("outcome", d.outcome);
    v("casusregisseur", d.casusregisseur);
}
template <typename V>
void fields(V& v, YouthcareStarted& d) {
    v("start_date", d.start_date);
    v("provider", d.provider);
    v("form", d.form);
}
template <typename V>
void fields(V& v, YouthcareEnded& d) {
    v("end_date", d.end_date);
    v("reason", d.reason);
}
template <typename V>
void fields(V& v, ConcernRaised& d) {
    v("raised_by", d.raised_by);
    v("concern", d.concern);
    v("disagrees_with_mdo", d.disagrees_with_mdo);
}
template <typename V>
void fields(V& v, ConsentGiven& d) {
    v("reference", d.reference);
    v("purpose", d.purpose);
    v("recipient_kind", d.recipient_kind);
    v("categories", d.categories);
    v("valid_from", d.valid_from);
    v("valid_until", d.valid_until);
    v("given_by", d.given_by);
    v("age_band", d.age_band);
}
template <typename V>
void fields(V& v, ConsentWithdrawn& d) {
    v("reference", d.reference);
}

namespace detail {
template <std::size_t... I>
SignalData empty_data(std::size_t index, std::index_sequence<I...>) {
    SignalData out;
    (void)((index == I ? (out.template emplace<I>(), true) : false) || ...);
    return out;
}
}  // namespace detail

// The `data` of a signal of this type with every member at its default, for a reader to fill.
inline SignalData empty_data(SignalType type) {
    return detail::empty_data(static_cast<std::size_t>(type), std::make_index_sequence<signal_type_count>{});
}

}  // namespace eenplan::signal_fields

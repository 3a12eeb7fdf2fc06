// The family's responsible municipality over time. The woongemeente of the children decides
// (DESIGN.md: responsible for youth care and leerplicht even when the school is elsewhere). It is
// known from two kinds of signal: a household.composition registers the family in a municipality
// from its date, and a person.moved of a child moves it from the move's date on. The latest event
// by date wins; for one date, the one recorded last.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eenplan::record {

struct ResidenceEvent {
    std::string from_date;     // "YYYY-MM-DD"
    std::string gemeentecode;  // "GM0518"
    std::int64_t recorded_at_us = 0;
    std::string signal_id;
    std::string cause;  // the signal type
};

struct ResidencePeriod {
    std::string from_date;
    std::optional<std::string> until_date;  // exclusive; absent for the current period
    std::string gemeentecode;
    std::string signal_id;  // the event that started it
    std::string cause;
};

// Periods in date order; an event that repeats the municipality already in force extends the
// period instead of starting a new one.
std::vector<ResidencePeriod> residence_history(std::vector<ResidenceEvent> events);

// The municipality in force on `date` ("YYYY-MM-DD"), if any period has started by then.
std::optional<std::string> responsible_municipality(const std::vector<ResidencePeriod>& history, std::string_view date);

}  // namespace eenplan::record

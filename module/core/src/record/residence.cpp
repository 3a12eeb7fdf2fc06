#include "eenplan/core/record/residence.hpp"

#include <algorithm>

namespace eenplan::record {

std::vector<ResidencePeriod> residence_history(std::vector<ResidenceEvent> events) {
    // Dates are schema-checked "YYYY-MM-DD", which order correctly as text.
    std::stable_sort(events.begin(), events.end(), [](const ResidenceEvent& a, const ResidenceEvent& b) {
        if (a.from_date != b.from_date) return a.from_date < b.from_date;
        return a.recorded_at_us < b.recorded_at_us;
    });
    std::vector<ResidencePeriod> periods;
    for (const ResidenceEvent& e : events) {
        if (!periods.empty() && periods.back().from_date == e.from_date) {
            // Two events on one date: the one recorded last holds.
            periods.pop_back();
        }
        if (!periods.empty() && periods.back().gemeentecode == e.gemeentecode) continue;
        if (!periods.empty()) periods.back().until_date = e.from_date;
        periods.push_back({e.from_date, std::nullopt, e.gemeentecode, e.signal_id, e.cause});
    }
    // Popping a same-date period may have left the previous one closed at that date; reopen the last.
    if (!periods.empty()) periods.back().until_date.reset();
    for (std::size_t i = 0; i + 1 < periods.size(); ++i) periods[i].until_date = periods[i + 1].from_date;
    return periods;
}

std::optional<std::string> responsible_municipality(const std::vector<ResidencePeriod>& history,
                                                    std::string_view date) {
    std::optional<std::string> in_force;
    for (const ResidencePeriod& p : history) {
        if (p.from_date <= date) in_force = p.gemeentecode;
    }
    return in_force;
}

}  // namespace eenplan::record

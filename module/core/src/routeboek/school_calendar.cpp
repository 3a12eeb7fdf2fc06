#include "eenplan/core/routeboek/school_calendar.hpp"

#include <algorithm>

namespace eenplan::routeboek {
namespace {

bool in_any(const std::vector<DayRange>& ranges, Day day) {
    return std::any_of(ranges.begin(), ranges.end(), [&](const DayRange& r) { return r.contains(day); });
}

}  // namespace

bool is_weekday(Day day) {
    const std::chrono::weekday wd(day);
    return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

std::string SchoolCalendar::region_of(std::string_view brin, std::string_view gemeentecode) const {
    if (const auto s = schools.find(std::string(brin)); s != schools.end() && !s->second.region.empty()) {
        return s->second.region;
    }
    if (const auto m = municipality_region.find(std::string(gemeentecode)); m != municipality_region.end()) {
        return m->second;
    }
    return default_region;
}

bool SchoolCalendar::is_school_day(Day day, std::string_view brin, std::string_view gemeentecode) const {
    if (!is_weekday(day)) return false;
    if (in_any(national, day)) return false;
    if (const auto s = schools.find(std::string(brin)); s != schools.end() && in_any(s->second.study_days, day)) {
        return false;
    }
    const auto h = holidays.find(region_of(brin, gemeentecode));
    return h == holidays.end() || !in_any(h->second, day);
}

Day SchoolCalendar::school_day_on_or_after(Day day, std::string_view brin, std::string_view gemeentecode) const {
    for (int i = 0; i < 366; ++i, day += std::chrono::days(1)) {
        if (is_school_day(day, brin, gemeentecode)) return day;
    }
    return day;
}

Day SchoolCalendar::add_school_days(Day day, int count, std::string_view brin, std::string_view gemeentecode) const {
    for (int guard = 0; count > 0 && guard < 1000; ++guard) {
        day += std::chrono::days(1);
        if (is_school_day(day, brin, gemeentecode)) --count;
    }
    return day;
}

Day SchoolCalendar::subtract_school_days(Day day, int count, std::string_view brin,
                                         std::string_view gemeentecode) const {
    for (int guard = 0; count > 0 && guard < 1000; ++guard) {
        day -= std::chrono::days(1);
        if (is_school_day(day, brin, gemeentecode)) --count;
    }
    return day;
}

int SchoolCalendar::school_days_between(Day from, Day to, std::string_view brin, std::string_view gemeentecode) const {
    int count = 0;
    for (Day day = from + std::chrono::days(1); day <= to; day += std::chrono::days(1)) {
        if (is_school_day(day, brin, gemeentecode)) ++count;
    }
    return count;
}

}  // namespace eenplan::routeboek

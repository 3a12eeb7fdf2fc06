// The school calendar as a value: the school holidays per region (noord, midden, zuid), the national
// days off, which region a school is in (its municipality, or a per-BRIN override) and a school's
// own study days. The engine counts absence and terms in school days with it. It is read from
// deploy/config/ by module/readers/ (the service loads it through
// service/routeboek/school_calendar_loader.*). Pure: no I/O, no clock.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/routeboek/calendar.hpp"

namespace eenplan::routeboek {

struct DayRange {
    Day from;
    Day to;  // inclusive
    std::string name;
    [[nodiscard]] bool contains(Day day) const { return from <= day && day <= to; }
};

struct SchoolCalendarSchool {
    std::string region;                // overrides the municipality's region when not empty
    std::vector<DayRange> study_days;  // the school's own days off (studiedagen)
};

class SchoolCalendar {
public:
    std::string id;
    std::map<std::string, std::vector<DayRange>> holidays;   // region → holidays
    std::vector<DayRange> national;                          // days off everywhere (Tweede Paasdag, ...)
    std::map<std::string, std::string> municipality_region;  // gemeentecode → region
    std::map<std::string, SchoolCalendarSchool> schools;     // BRIN → override
    std::string default_region;                              // for a school nowhere named

    // The region of a school: its BRIN override, else its municipality's, else the default.
    [[nodiscard]] std::string region_of(std::string_view brin, std::string_view gemeentecode) const;
    // A weekday that is no holiday of the school's region, no national day off and no study day of
    // the school. Outside the covered school years only weekends are days off.
    [[nodiscard]] bool is_school_day(Day day, std::string_view brin, std::string_view gemeentecode) const;
    // The first school day on or after `day` (at most a year on).
    [[nodiscard]] Day school_day_on_or_after(Day day, std::string_view brin, std::string_view gemeentecode) const;
    // `count` school days after `day` (count >= 0; day itself not counted).
    [[nodiscard]] Day add_school_days(Day day, int count, std::string_view brin, std::string_view gemeentecode) const;
    // `count` school days before `day` (count >= 0; day itself not counted).
    [[nodiscard]] Day subtract_school_days(Day day, int count, std::string_view brin,
                                           std::string_view gemeentecode) const;
    // The school days after `from` up to and including `to` (0 when to <= from).
    [[nodiscard]] int school_days_between(Day from, Day to, std::string_view brin, std::string_view gemeentecode) const;
};

// Monday to Friday.
bool is_weekday(Day day);

}  // namespace eenplan::routeboek

#include "eenplan/readers/school_calendar_reader.hpp"

namespace eenplan::readers {
using namespace eenplan::routeboek;

namespace {

std::vector<DayRange> ranges(const YAML::Node& node, const std::string& pointer, Problems& problems) {
    std::vector<DayRange> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node r = node[i];
        const std::string at = pointer + "/" + std::to_string(i);
        const auto from = parse_day(r["from"].as<std::string>());
        const auto to = r["to"] ? parse_day(r["to"].as<std::string>()) : from;
        if (!from) problems.push_back({at + "/from", "is not a date YYYY-MM-DD"});
        if (!to) problems.push_back({at + "/to", "is not a date YYYY-MM-DD"});
        if (!from || !to) continue;
        if (*to < *from) {
            problems.push_back({at + "/to", "lies before from"});
            continue;
        }
        out.push_back({*from, *to, r["name"].as<std::string>()});
    }
    return out;
}

Result<SchoolCalendar> parse_valid_school_calendar(YAML::Node root) {
    Problems problems;
    SchoolCalendar calendar;
    calendar.id = root["calendar"]["id"].as<std::string>();
    calendar.default_region =
        root["calendar"]["default_region"] ? root["calendar"]["default_region"].as<std::string>() : "midden";
    for (const char* region : {"noord", "midden", "zuid"}) {
        calendar.holidays[region] = ranges(root["regions"][region], std::string("/regions/") + region, problems);
    }
    calendar.national = ranges(root["national_days_off"], "/national_days_off", problems);
    const YAML::Node municipalities = root["municipalities"];
    for (std::size_t i = 0; i < municipalities.size(); ++i) {
        const std::string code = municipalities[i]["gemeentecode"].as<std::string>();
        if (!calendar.municipality_region.emplace(code, municipalities[i]["region"].as<std::string>()).second) {
            problems.push_back({"/municipalities/" + std::to_string(i) + "/gemeentecode", "names " + code + " again"});
        }
    }
    const YAML::Node schools = root["schools"];
    for (std::size_t i = 0; i < schools.size(); ++i) {
        const YAML::Node s = schools[i];
        const std::string at = "/schools/" + std::to_string(i);
        SchoolCalendarSchool school;
        if (s["region"]) school.region = s["region"].as<std::string>();
        if (s["study_days"]) school.study_days = ranges(s["study_days"], at + "/study_days", problems);
        const std::string brin = s["brin"].as<std::string>();
        if (!calendar.schools.emplace(brin, std::move(school)).second) {
            problems.push_back({at + "/brin", "names school " + brin + " again"});
        }
    }
    if (!problems.empty()) return problems;
    return calendar;
}

}  // namespace

Result<SchoolCalendar> read_school_calendar(YAML::Node root) {
    try {
        return parse_valid_school_calendar(root);
    } catch (const YAML::Exception& error) {
        return Problem{"", std::string("a value cannot be read as the calendar needs: ") + error.what()};
    }
}

}  // namespace eenplan::readers

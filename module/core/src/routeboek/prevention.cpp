// Prevention before the escalation mark: patterns of short unauthorised absence, or absence
// hours reaching the reporting threshold, within a window; and a professional's concern. Each
// makes a light task (the school's support team, or leerplicht), once per pattern, pupil and
// window.
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

void Step::concern_prevention(const ConcernRaised& concern, const SignalEvent& event) {
    for (const PreventionPattern& pattern : rb_->prevention) {
        if (pattern.kind != PreventionPattern::Kind::concern_raised) continue;
        open(pattern.task, event.pupil, rule("prevention/" + pattern.id),
             "a professional raised a concern before any escalation", add_days(today_, pattern.task.due_days), {},
             concern.raised_by);
    }
}

void Step::prevention() {
    if (escalated()) return;
    // Each pupil's own routeboek's patterns (a VO routeboek has its own thresholds).
    for (const PupilInPlan& pupil : plan_.pupils) {
        with_book(book_for(pupil.pupil), [&] { prevention(pupil); });
    }
}

void Step::prevention(const PupilInPlan& pupil) {
    // Most pupils have no unauthorised absence at all: their windows need not be counted.
    if (std::none_of(plan_.absences.begin(), plan_.absences.end(), [&](const AbsencePeriod& p) {
            return p.pupil == pupil.pupil && p.kind == "ongeoorloofd" && p.from <= today_;
        }))
        return;
    for (const PreventionPattern& pattern : rb_->prevention) {
        if (pattern.kind == PreventionPattern::Kind::concern_raised) continue;
        {
            // Leerplichtwet art. 21a: "binnen een periode van vier opeenvolgende lesweken" — with the
            // school calendar 28 days are 20 school days back, a holiday inside does not shorten it.
            const Day window_start = days_back(today_, pattern.within_days, pupil.pupil);
            int count = 0;
            double hours = 0;
            std::optional<Day> first;
            for (const AbsencePeriod& p : plan_.absences) {
                if (p.pupil != pupil.pupil || p.kind != "ongeoorloofd" || p.from < window_start || p.from > today_)
                    continue;
                const int length = days_between(p.from, p.to.value_or(today_)) + 1;
                if (pattern.kind == PreventionPattern::Kind::unauthorised_absences && length > pattern.max_days_each)
                    continue;
                ++count;
                hours += p.hours;
                first = first ? std::min(*first, p.from) : p.from;
            }
            const bool fires = pattern.kind == PreventionPattern::Kind::unauthorised_absences
                                   ? count >= pattern.count
                                   : count > 0 && hours >= pattern.hours;
            if (!fires) continue;
            // Once per pattern, pupil and window: the window is named by its first absence.
            const std::string key = pattern.id + "|" + pupil.pupil + "|" + format_day(*first);
            const bool fired_in_window = std::any_of(plan_.fired.begin(), plan_.fired.end(), [&](const std::string& k) {
                if (k.rfind(pattern.id + "|" + pupil.pupil + "|", 0) != 0) return false;
                const auto day = parse_day(std::string_view(k).substr(k.size() - 10));
                return day && *day >= window_start;
            });
            if (fired_in_window) continue;
            plan_.fired.push_back(key);
            open(pattern.task, pupil.pupil, rule("prevention/" + pattern.id),
                 pattern.kind == PreventionPattern::Kind::unauthorised_absences
                     ? std::to_string(count) + " short unauthorised absences within " + term_text(pattern.within_days)
                     : "unauthorised absence reached the reporting threshold within " + term_text(pattern.within_days),
                 add_days(today_, pattern.task.due_days));
        }
    }
}

}  // namespace eenplan::routeboek::detail

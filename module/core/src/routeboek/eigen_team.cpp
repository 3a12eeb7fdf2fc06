// The eigen team/manager step: a professional who disagrees with the MDO's choice not to
// escalate takes it to their own team or manager, between 4 and 8 weeks after the first date of
// worrying absence (the routeboek's eigen_team table may set other weeks).
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

void Step::on(const ConcernRaised& concern, const SignalEvent& event) {
    rb_ = &family_book(event.pupil);
    if (concern.disagrees_with_mdo.value_or(false)) {
        eigen_team(concern.raised_by, event.pupil);
    } else if (!escalated()) {
        concern_prevention(concern, event);
    }
}

void Step::eigen_team(const std::string& raiser, const std::string& pupil) {
    const Table* table = rb_->table("eigen_team");
    const std::string r = rule("eigen_team");
    if (!escalated() || !plan_.first_worrying) {
        note("signal", r, "a professional disagrees with the MDO before the escalation mark; recorded");
        return;
    }
    const int weeks_from = table && table->window_from_weeks ? *table->window_from_weeks : 4;
    const int weeks_to = table && table->window_to_weeks ? *table->window_to_weeks : 8;
    // School weeks with the school calendar, like the trigger's four weeks.
    const Day window_start = weeks_after(*plan_.first_worrying, weeks_from, plan_.escalated_pupil);
    const Day window_end = weeks_after(*plan_.first_worrying, weeks_to, plan_.escalated_pupil);
    if (today_ < window_start || today_ > window_end) {
        note("signal", r,
             "the eigen team/manager step lies outside its term (week " + std::to_string(weeks_from) + " to " +
                 std::to_string(weeks_to) + "); an override can still make it");
        return;
    }
    open(rb_->eigen_team, pupil, r, "a professional disagrees with the MDO's choice not to escalate", window_end,
         "eigen_team", raiser);
}

}  // namespace eenplan::routeboek::detail

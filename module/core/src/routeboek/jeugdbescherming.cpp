// Youth care and the jeugdbeschermingstafel: when voluntary youth care is refused or cooperation
// stays insufficient, the woongemeente's local team considers registering the family there.
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

void Step::on(const YouthcareStarted&, const SignalEvent&) { plan_.youthcare_active = true; }

void Step::on(const YouthcareEnded& ended, const SignalEvent& event) {
    rb_ = &family_book(event.pupil);
    plan_.youthcare_active = false;
    if (ended.reason != "refused" && ended.reason != "insufficient_cooperation") return;
    const Municipality* m = municipality();
    if (m && !m->jeugdbeschermingstafel.empty()) {
        open(rb_->jeugdbescherming, event.pupil, rule("jeugdbescherming/voluntary_help_refused"),
             "voluntary youth care was refused or cooperation stayed insufficient",
             add_days(today_, rb_->jeugdbescherming.due_days), "jeugdbeschermingstafel");
    }
}

}  // namespace eenplan::routeboek::detail

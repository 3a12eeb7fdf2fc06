// Deadlines: one reminder per open task, the configured number of days before it is due.
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

void Step::reminders() {
    for (Task& task : plan_.open_tasks) {
        // The reminder term of the routeboek of the pupil the task is about.
        with_book(book_for(task.pupil), [&] {
            // With the school calendar: school days before the due date (a Monday's reminder comes
            // on the Wednesday before, not on the Friday).
            if (task.reminded || days_back(task.due, rb_->reminder_days_before_due, task.pupil) > today_) return;
            task.reminded = true;
            decide(DecisionKind::reminder, rule("deadline/reminder"),
                   task.due < today_ ? "the task is overdue" : "the task is due on " + format_day(task.due), task.table,
                   task);
        });
    }
}

}  // namespace eenplan::routeboek::detail

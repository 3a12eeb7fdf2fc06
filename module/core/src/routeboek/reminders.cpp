// Deadlines: one reminder per open task, the configured number of days before it is due.
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

void Step::reminders() {
    for (Task& task : plan_.open_tasks) {
        if (task.reminded || add_days(task.due, -rb_.reminder_days_before_due) > today_) continue;
        task.reminded = true;
        decide(DecisionKind::reminder, rule("deadline/reminder"),
               task.due < today_ ? "the task is overdue" : "the task is due on " + format_day(task.due), task.table,
               task);
    }
}

}  // namespace eenplan::routeboek::detail

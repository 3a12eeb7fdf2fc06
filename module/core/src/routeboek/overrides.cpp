// Overrides: a guideline, not a rule — professionals may skip a step, choose another table or
// extend the terms, always with a reason. The only event the engine can refuse.
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

Result<bool> Step::override_(const Override& requested) {
    rb_ = &family_book({});
    if (requested.reason.find_first_not_of(" \t\n") == std::string::npos) {
        return Problem{"/reason", "a deviation from the routeboek needs a reason"};
    }
    const Municipality* m = municipality();
    int position = -1;
    if (requested.kind == OverrideKind::choose_table) {
        if (m) {
            const auto it = std::find(m->ladder.begin(), m->ladder.end(), requested.table);
            if (it != m->ladder.end()) position = static_cast<int>(it - m->ladder.begin());
        }
        if (position < 0) {
            return Problem{"/table", "the routeboek has no " + requested.table + " for " +
                                         (m ? m->name : "this family's municipality")};
        }
    }
    if (requested.kind == OverrideKind::extend_term && requested.days <= 0) {
        return Problem{"/days", "must be a positive number of days"};
    }
    Override o = requested;
    o.at = today_;
    const std::string r = rule("override");
    switch (o.kind) {
        case OverrideKind::extend_term:
            for (Task& task : plan_.open_tasks) {
                task.due = add_days(task.due, o.days);
                task.reminded = false;
            }
            if (plan_.first_worrying) plan_.first_worrying = add_days(*plan_.first_worrying, o.days);
            o.used = true;
            decide(DecisionKind::override, r, "terms extended by " + std::to_string(o.days) + " days: " + o.reason);
            break;
        case OverrideKind::skip_step:
            decide(DecisionKind::override, r, "the next step will be skipped: " + o.reason);
            break;
        case OverrideKind::choose_table:
            decide(DecisionKind::override, r, "another table chosen: " + o.reason, o.table);
            if (escalated()) {
                o.used = true;
                move_to(position, r, "moved to the " + requested.table + " by override");
            }
            break;
    }
    plan_.overrides.push_back(std::move(o));
    return true;
}

}  // namespace eenplan::routeboek::detail

// The woongemeente's ladder: the MDO escalates, a table is registered and gives its outcome,
// unresolved goes a step up, resolved goes back to the MDO.
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

void Step::on(const MdoHeld& mdo, const SignalEvent& event) {
    rb_ = &family_book(event.pupil);
    close_tasks([](const Task& task) { return task.type == "mdo.plan"; }, rule("mdo"), "the MDO was held");
    if (!mdo.goals.empty()) plan_.goals = mdo.goals;
    if (!mdo.escalate) {
        for (const std::string& raiser : mdo.dissent) eigen_team(raiser, event.pupil);
        return;
    }
    if (!escalated()) {
        const bool partial = partial_trigger_met(event.pupil);
        start_escalation(event.pupil, event.on,
                         rule(partial ? "escalation/partial_attendance" : "escalation/mdo_decision"),
                         partial ? "long partial attendance, several approaches tried, and the MDO asks for advice"
                                 : "the MDO decided to escalate");
    }
    step_up(rule("ladder/mdo_escalates"), "the MDO escalates the case");
}

void Step::on(const CaseRegistered& registered, const SignalEvent& event) {
    rb_ = &family_book(event.pupil);
    close_tasks([&](const Task& task) { return task.type == "table.register" && task.table == registered.table; },
                rule("ladder/registered"), "the case was registered at the table");
}

void Step::on(const TableOutcome& outcome, const SignalEvent& event) {
    rb_ = &family_book(event.pupil);
    close_tasks([&](const Task& task) { return task.table == outcome.table && !task.table.empty(); },
                rule("ladder/outcome"), "the table gave its outcome");
    if (outcome.casusregisseur && !outcome.casusregisseur->empty()) {
        plan_.casusregisseur = *outcome.casusregisseur;
        open(rb_->casusregisseur, plan_.escalated_pupil.empty() ? event.pupil : plan_.escalated_pupil,
             rule("ladder/casusregisseur"), "the table appointed a casusregisseur from the MDO",
             add_days(today_, rb_->casusregisseur.due_days), outcome.table);
    }
    if (outcome.outcome == "unresolved") {
        step_up(rule("ladder/table_unresolved"), "the " + outcome.table + " could not resolve the case");
    } else if (outcome.outcome == "resolved") {
        plan_.ladder_position = -1;
        plan_.table.clear();
        decide(DecisionKind::de_escalate, rule("ladder/table_resolved"),
               "the table resolved the case; it continues with the MDO", outcome.table);
    }
}

void Step::move_to(int position, const std::string& rule, const std::string& reason) {
    const Municipality* m = municipality();
    const std::string previous = plan_.table;
    close_tasks([&](const Task& t) { return !t.table.empty() && t.table == previous; }, rule,
                "the case moves on from this table");
    plan_.ladder_position = position;
    const Table* table = rb_->table(m->ladder[static_cast<std::size_t>(position)]);
    plan_.table = table->id;
    decide(DecisionKind::escalate, rule, reason, table->id);

    const auto reg = table->registration.find(m->code);
    if (reg == table->registration.end()) return;  // the loader refuses this; nothing to register with
    const Registration& r = reg->second;
    Day due = add_days(today_, r.term_days);
    // "Uiterlijk 8 weken na de eerste datum van het zorgwekkend verzuim": the same weeks as the
    // trigger's (school weeks with the school calendar: the 40th school day from that date on).
    if (r.deadline_weeks && plan_.first_worrying)
        due = weeks_after(*plan_.first_worrying, *r.deadline_weeks, plan_.escalated_pupil);
    const Organisation* desk = rb_->organisation(r.registers_with);
    TaskTemplate registration{"table.register",
                              "Meld de casus aan bij de " + table->name + " bij " +
                                  (desk ? desk->name : r.registers_with) +
                                  (r.channel.empty() ? "" : " (" + r.channel + ")"),
                              r.task_for, r.task_organisation, 0};
    open(registration, plan_.escalated_pupil, rule, registration.title, due, table->id);
    for (const std::string& organisation : r.notify) {
        TaskTemplate notify{"table.notify", "Opschaling naar de " + table->name + ": ter kennisname",
                            RecipientRole::organisation, organisation, 0};
        open(notify, plan_.escalated_pupil, rule, notify.title, due, table->id);
    }
}

void Step::step_up(const std::string& rule, const std::string& reason) {
    const Municipality* m = municipality();
    if (!m) {
        note("escalate", rule, "the woongemeente is not in this routeboek; no table to escalate to");
        return;
    }
    int next = plan_.ladder_position + 1;
    for (Override& o : plan_.overrides) {
        if (!o.used && o.kind == OverrideKind::skip_step) {
            o.used = true;
            next += 1;
            note("override", rule, "step skipped by override: " + o.reason);
        }
    }
    if (next >= static_cast<int>(m->ladder.size())) {
        decide(DecisionKind::escalate, rule, "the top of " + m->name + "'s ladder is reached; no further table",
               plan_.table);
        return;
    }
    move_to(next, rule, reason);
}

}  // namespace eenplan::routeboek::detail

// Grensverkeer: the woongemeente, not the school's municipality, is responsible. A move hands
// youth-care and leerplicht tasks to the new woongemeente, and a case at a table continues at
// the matching step of the new ladder.
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {

void Step::on(const PersonMoved& moved_to, const SignalEvent& event) {
    rb_ = &family_book(event.pupil);
    // The population register's birth year, kept with the pupil for the school-age window of
    // absoluut verzuim (registration.cpp); the year only, never a date.
    if (moved_to.birth_year && !event.pupil.empty()) {
        for (PupilInPlan& pupil : plan_.pupils) {
            if (pupil.pupil == event.pupil) pupil.birth_year = moved_to.birth_year;
        }
    }
    moved(moved_to.gemeentecode, moved_to.date);
}

void Step::moved(const std::string& gemeentecode, Day since) {
    // The history keeps the move's own date: an in- or uitschrijving dated before it still goes to
    // the woongemeente of that date (registration.cpp).
    record_residence(plan_, since, gemeentecode);
    if (gemeentecode.empty() || gemeentecode == plan_.woongemeente) return;
    // A move reported late, older than one already in force, changes the history only.
    if (std::any_of(plan_.residences.begin(), plan_.residences.end(),
                    [&](const Residence& r) { return r.from > since && r.from <= today_; }))
        return;
    const Municipality* from = municipality();
    const Municipality* to = rb_->municipality(gemeentecode);
    const std::string r = rule("grensverkeer/handover");
    plan_.woongemeente = gemeentecode;
    // The pupils' schools learn the new woongemeente (never the address), so that their own
    // registration and the hub's grensverkeer agree.
    tell_schools_of_move();
    if (!from) {
        note("handover", r, "woongemeente set to " + gemeentecode);
        return;
    }
    // Youth-care and leerplicht tasks follow the child to the new woongemeente.
    for (Task& task : plan_.open_tasks) {
        std::string next;
        if (task.recipient == from->local_team) next = to ? to->local_team : std::string();
        if (task.recipient == from->leerplicht) next = to ? to->leerplicht : std::string();
        if (next.empty() || next == task.recipient) continue;
        const std::string previous = task.recipient;
        task.recipient = next;
        decide(DecisionKind::handover, r,
               "the family moved to " + (to ? to->name : gemeentecode) + "; the task goes to its " +
                   (next == (to ? to->local_team : "") ? "local team" : "leerplicht office"),
               task.table, task, previous);
    }
    // A case at a table goes to the same table there, or to the highest step the new ladder has
    // at or below its level.
    if (plan_.ladder_position >= 0 && to) {
        const Table* current = rb_->table(plan_.table);
        int position = -1;
        for (std::size_t i = 0; i < to->ladder.size(); ++i) {
            const Table* t = rb_->table(to->ladder[i]);
            if (t && current && t->level <= current->level) position = static_cast<int>(i);
        }
        if (position >= 0) {
            move_to(position, r,
                    "the family moved to " + to->name + "; the case continues at its " +
                        rb_->table(to->ladder[static_cast<std::size_t>(position)])->name);
        } else {
            plan_.ladder_position = -1;
            plan_.table.clear();
            decide(DecisionKind::de_escalate, r, "the family moved to " + to->name + ", which has no matching table");
        }
    }
}

}  // namespace eenplan::routeboek::detail

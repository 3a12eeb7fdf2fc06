// The Step's shared pieces: dispatch on the signal's type, the daily evaluation, and making and
// closing tasks.
#include "routeboek/step.hpp"

#include <variant>

namespace eenplan::routeboek::detail {

void Step::signal(const SignalEvent& event) {
    update_pupil(event);
    // The pupil's own routeboek; the handlers of the family's ladder (ladder.cpp, eigen_team.cpp,
    // jeugdbescherming.cpp, grensverkeer.cpp) take the family's.
    rb_ = &book_for(event.pupil);
    note("signal", std::string(to_string(event.signal.type())), "signal received", event.signal_id);
    std::visit([&](const auto& data) { on(data, event); }, event.signal.data);
}

void Step::evaluate() {
    // Per-pupil rules read each pupil's routeboek themselves; the family's rules the family's.
    escalation_triggers();
    without_school();
    prevention();
    reminders();
    with_book(family_book({}), [&] { de_escalation(); });
}

std::string Step::resolve(RecipientRole role, const std::string& organisation, const std::string& pupil,
                          const std::string& raiser) const {
    const Municipality* m = municipality();
    switch (role) {
        case RecipientRole::school:
        case RecipientRole::zorgcoordinator: {
            const PupilInPlan* p = plan_.pupil(pupil);
            if (!p && !plan_.pupils.empty()) p = &plan_.pupils.front();
            return p && !p->school_brin.empty() ? "school:" + p->school_brin : std::string();
        }
        case RecipientRole::local_team: return m ? m->local_team : std::string();
        case RecipientRole::leerplicht: return m ? m->leerplicht : std::string();
        case RecipientRole::organisation: return organisation;
        case RecipientRole::raiser: return raiser;
        case RecipientRole::casusregisseur: return plan_.casusregisseur;
    }
    return {};
}

void Step::open(const TaskTemplate& tmpl, const std::string& pupil, const std::string& rule, const std::string& reason,
                Day due, const std::string& table, const std::string& raiser, const delivery::TaskFacts& facts) {
    Task task;
    task.recipient = resolve(tmpl.recipient, tmpl.organisation, pupil, raiser);
    if (task.recipient.empty()) {
        note("task", rule, "no recipient for " + tmpl.type + " in this municipality; no task made", table);
        return;
    }
    // The family's shared tables (its local team, the jeugdbeschermingstafel) get one task of a kind
    // for the family, however many of its children's routeboeken ask for it.
    if (tmpl.recipient == RecipientRole::local_team || table == "jeugdbeschermingstafel") {
        const bool open_already = std::any_of(plan_.open_tasks.begin(), plan_.open_tasks.end(), [&](const Task& t) {
            return t.type == tmpl.type && t.recipient == task.recipient && t.table == table;
        });
        if (open_already) {
            note("task", rule, tmpl.type + " is already open for the family; not made twice", table);
            return;
        }
    }
    task.id = plan_.family_id + "/" + std::to_string(plan_.next_task++);
    task.type = tmpl.type;
    task.title = tmpl.title;
    task.pupil = pupil;
    task.table = table;
    task.rule = rule;
    task.created = today_;
    task.due = std::max(due, today_);
    task.facts = facts;
    if (calendar_) {
        // A due date on a holiday, weekend or study day moves to the next school day.
        const PupilInPlan* p = plan_.pupil(pupil);
        if (!p && !plan_.pupils.empty()) p = &plan_.pupils.front();
        if (p) task.due = calendar_->school_day_on_or_after(task.due, p->school_brin, p->school_gemeentecode);
    }
    plan_.open_tasks.push_back(task);
    decide(DecisionKind::task, rule, reason, table, task);
}

void Step::update_pupil(const SignalEvent& event) {
    if (event.pupil.empty()) return;
    const SchoolRef school = event.signal.school.value_or(SchoolRef{});
    auto it = std::find_if(plan_.pupils.begin(), plan_.pupils.end(),
                           [&](const PupilInPlan& p) { return p.pupil == event.pupil; });
    if (it == plan_.pupils.end()) {
        plan_.pupils.push_back({event.pupil, school.brin, school.gemeentecode});
        it = std::prev(plan_.pupils.end());
    } else if (!school.brin.empty()) {
        // Another school may be of another sector: until its inschrijving says, the setting for
        // its BRIN decides (Engine::sector_of).
        if (it->school_brin != school.brin) it->sector.clear();
        it->school_brin = school.brin;
        it->school_gemeentecode = school.gemeentecode;
    }
    // The inschrijving names the sector of the school the pupil now goes to.
    if (const auto* started = std::get_if<EnrolmentStarted>(&event.signal.data); started && started->sector) {
        if (it->school_brin == school.brin) it->sector = *started->sector;
    }
}

}  // namespace eenplan::routeboek::detail

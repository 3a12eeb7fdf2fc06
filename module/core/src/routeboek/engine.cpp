#include "eenplan/core/routeboek/engine.hpp"

#include <algorithm>

namespace eenplan::routeboek {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool covers(const AbsencePeriod& period, Day day, Day today) {
    return period.from <= day && day <= period.to.value_or(today);
}

// One application of the engine: the routeboek, the plan, today, and the decisions so far.
class Step {
public:
    Step(const Routeboek& routeboek, PlanState& plan, Day today, std::vector<Decision>& out)
        : rb_(routeboek), plan_(plan), today_(today), out_(out) {}

    void signal(const SignalEvent& signal);
    Result<bool> override_(const Override& requested);
    void evaluate();

private:
    [[nodiscard]] std::string rule(std::string_view name) const { return rb_.id + "/" + std::string(name); }
    [[nodiscard]] const Municipality* municipality() const { return rb_.municipality(plan_.woongemeente); }
    [[nodiscard]] bool escalated() const { return plan_.escalated_since.has_value(); }

    void note(std::string kind, std::string rule, std::string reason, std::string ref = {}) {
        plan_.timeline.push_back({today_, std::move(kind), std::move(rule), std::move(reason), std::move(ref)});
    }
    void decide(DecisionKind kind, const std::string& rule, const std::string& reason, std::string table = {},
                std::optional<Task> task = std::nullopt, std::string previous = {}) {
        note(std::string(to_string(kind)), rule, reason, task ? task->id : table);
        out_.push_back({kind, rule, reason, std::move(table), std::move(task), std::move(previous)});
    }

    std::string resolve(RecipientRole role, const std::string& organisation, const std::string& pupil,
                        const std::string& raiser) const;
    void open(const TaskTemplate& tmpl, const std::string& pupil, const std::string& rule, const std::string& reason,
              Day due, const std::string& table = {}, const std::string& raiser = {});
    template <typename Pred>
    void close_tasks(Pred pred, const std::string& rule, const std::string& reason);

    void record_absence(const SignalEvent& signal);
    void update_pupil(const SignalEvent& signal);
    void start_escalation(const std::string& pupil, Day first_worrying, const std::string& rule,
                          const std::string& reason);
    void step_up(const std::string& rule, const std::string& reason);
    void move_to(int position, const std::string& rule, const std::string& reason);
    void eigen_team(const std::string& raiser, const std::string& pupil);
    void moved(const std::string& gemeentecode);
    [[nodiscard]] bool partial_trigger_met(const std::string& pupil) const;
    void prevention();
    void reminders();
    void de_escalation();

    const Routeboek& rb_;
    PlanState& plan_;
    Day today_;
    std::vector<Decision>& out_;
};

std::string Step::resolve(RecipientRole role, const std::string& organisation, const std::string& pupil,
                          const std::string& raiser) const {
    const Municipality* m = municipality();
    switch (role) {
        case RecipientRole::school: {
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

void Step::open(const TaskTemplate& tmpl, const std::string& pupil, const std::string& rule,
                const std::string& reason, Day due, const std::string& table, const std::string& raiser) {
    Task task;
    task.recipient = resolve(tmpl.recipient, tmpl.organisation, pupil, raiser);
    if (task.recipient.empty()) {
        note("task", rule, "no recipient for " + tmpl.type + " in this municipality; no task made", table);
        return;
    }
    task.id = plan_.family_id + "/" + std::to_string(plan_.next_task++);
    task.type = tmpl.type;
    task.title = tmpl.title;
    task.pupil = pupil;
    task.table = table;
    task.rule = rule;
    task.created = today_;
    task.due = std::max(due, today_);
    plan_.open_tasks.push_back(task);
    decide(DecisionKind::task, rule, reason, table, task);
}

template <typename Pred>
void Step::close_tasks(Pred pred, const std::string& rule, const std::string& reason) {
    auto& tasks = plan_.open_tasks;
    for (auto it = tasks.begin(); it != tasks.end();) {
        if (pred(*it)) {
            const Task task = *it;
            it = tasks.erase(it);
            decide(DecisionKind::close_task, rule, reason, task.table, task);
        } else {
            ++it;
        }
    }
}

void Step::update_pupil(const SignalEvent& signal) {
    if (signal.pupil.empty()) return;
    auto it = std::find_if(plan_.pupils.begin(), plan_.pupils.end(),
                           [&](const PupilInPlan& p) { return p.pupil == signal.pupil; });
    if (it == plan_.pupils.end()) {
        plan_.pupils.push_back({signal.pupil, signal.school_brin, signal.school_gemeentecode});
    } else if (!signal.school_brin.empty()) {
        it->school_brin = signal.school_brin;
        it->school_gemeentecode = signal.school_gemeentecode;
    }
}

void Step::record_absence(const SignalEvent& signal) {
    if (!signal.from) return;
    // A source reports an open period and later closes it: the same pupil, start and kind.
    auto it = std::find_if(plan_.absences.begin(), plan_.absences.end(), [&](const AbsencePeriod& p) {
        return p.pupil == signal.pupil && p.from == *signal.from && p.kind == signal.absence_kind;
    });
    if (it != plan_.absences.end()) {
        it->to = signal.to;
        it->hours = signal.hours;
    } else {
        plan_.absences.push_back({signal.pupil, *signal.from, signal.to, signal.absence_kind, signal.hours});
    }
}

void Step::start_escalation(const std::string& pupil, Day first_worrying, const std::string& rule,
                            const std::string& reason) {
    plan_.escalated_since = today_;
    plan_.first_worrying = first_worrying;
    plan_.escalated_pupil = pupil;
    plan_.ladder_position = -1;
    plan_.table.clear();
    decide(DecisionKind::escalate, rule, reason, "mdo");
    for (const TaskTemplate& tmpl : rb_.on_escalation) {
        open(tmpl, pupil, rule, tmpl.title, add_days(today_, tmpl.due_days));
    }
}

void Step::move_to(int position, const std::string& rule, const std::string& reason) {
    const Municipality* m = municipality();
    const std::string previous = plan_.table;
    close_tasks([&](const Task& t) { return !t.table.empty() && t.table == previous; }, rule,
                "the case moves on from this table");
    plan_.ladder_position = position;
    const Table* table = rb_.table(m->ladder[static_cast<std::size_t>(position)]);
    plan_.table = table->id;
    decide(DecisionKind::escalate, rule, reason, table->id);

    const auto reg = table->registration.find(m->code);
    if (reg == table->registration.end()) return;  // the loader refuses this; nothing to register with
    const Registration& r = reg->second;
    Day due = add_days(today_, r.term_days);
    if (r.deadline_weeks && plan_.first_worrying) due = add_days(*plan_.first_worrying, *r.deadline_weeks * 7);
    const Organisation* desk = rb_.organisation(r.registers_with);
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

void Step::eigen_team(const std::string& raiser, const std::string& pupil) {
    const Table* table = rb_.table("eigen_team");
    const std::string r = rule("eigen_team");
    if (!escalated() || !plan_.first_worrying) {
        note("signal", r, "a professional disagrees with the MDO before the escalation mark; recorded");
        return;
    }
    const int weeks_from = table && table->window_from_weeks ? *table->window_from_weeks : 4;
    const int weeks_to = table && table->window_to_weeks ? *table->window_to_weeks : 8;
    const Day window_start = add_days(*plan_.first_worrying, weeks_from * 7);
    const Day window_end = add_days(*plan_.first_worrying, weeks_to * 7);
    if (today_ < window_start || today_ > window_end) {
        note("signal", r, "the eigen team/manager step lies outside its term (week " + std::to_string(weeks_from) +
                              " to " + std::to_string(weeks_to) + "); an override can still make it");
        return;
    }
    open(rb_.eigen_team, pupil, r, "a professional disagrees with the MDO's choice not to escalate", window_end,
         "eigen_team", raiser);
}

void Step::moved(const std::string& gemeentecode) {
    if (gemeentecode.empty() || gemeentecode == plan_.woongemeente) return;
    const Municipality* from = municipality();
    const Municipality* to = rb_.municipality(gemeentecode);
    const std::string r = rule("grensverkeer/handover");
    plan_.woongemeente = gemeentecode;
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
        const Table* current = rb_.table(plan_.table);
        int position = -1;
        for (std::size_t i = 0; i < to->ladder.size(); ++i) {
            const Table* t = rb_.table(to->ladder[i]);
            if (t && current && t->level <= current->level) position = static_cast<int>(i);
        }
        if (position >= 0) {
            move_to(position, r, "the family moved to " + to->name + "; the case continues at its " +
                                     rb_.table(to->ladder[static_cast<std::size_t>(position)])->name);
        } else {
            plan_.ladder_position = -1;
            plan_.table.clear();
            decide(DecisionKind::de_escalate, r, "the family moved to " + to->name + ", which has no matching table");
        }
    }
}

bool Step::partial_trigger_met(const std::string& pupil) const {
    if (!rb_.partial_attendance) return false;
    const auto& trigger = *rb_.partial_attendance;
    return std::any_of(plan_.partial.begin(), plan_.partial.end(), [&](const PartialAttendance& p) {
        return p.pupil == pupil && (!p.to || *p.to >= today_) &&
               days_between(p.from, today_) >= trigger.min_weeks * 7 && p.approaches >= trigger.min_approaches;
    });
}

void Step::signal(const SignalEvent& signal) {
    update_pupil(signal);
    note("signal", signal.type, "signal received", signal.signal_id);
    const std::string& t = signal.type;
    if (t == "absence.reported") {
        record_absence(signal);
    } else if (t == "attendance.partial") {
        if (!signal.from) return;
        auto it = std::find_if(plan_.partial.begin(), plan_.partial.end(), [&](const PartialAttendance& p) {
            return p.pupil == signal.pupil && p.from == *signal.from;
        });
        if (it != plan_.partial.end()) {
            it->to = signal.to;
            it->approaches = signal.approaches;
        } else {
            plan_.partial.push_back({signal.pupil, *signal.from, signal.to, signal.approaches});
        }
    } else if (t == "mdo.held") {
        close_tasks([](const Task& task) { return task.type == "mdo.plan"; }, rule("mdo"), "the MDO was held");
        if (!signal.goals.empty()) plan_.goals = signal.goals;
        if (signal.escalate) {
            if (!escalated()) {
                const bool partial = partial_trigger_met(signal.pupil);
                start_escalation(signal.pupil, signal.on,
                                 rule(partial ? "escalation/partial_attendance" : "escalation/mdo_decision"),
                                 partial ? "long partial attendance, several approaches tried, and the MDO asks for advice"
                                         : "the MDO decided to escalate");
            }
            step_up(rule("ladder/mdo_escalates"), "the MDO escalates the case");
        } else {
            for (const std::string& raiser : signal.dissent) eigen_team(raiser, signal.pupil);
        }
    } else if (t == "concern.raised") {
        if (signal.disagrees_with_mdo) {
            eigen_team(signal.raised_by, signal.pupil);
        } else if (!escalated()) {
            for (const PreventionPattern& pattern : rb_.prevention) {
                if (pattern.kind != PreventionPattern::Kind::concern_raised) continue;
                open(pattern.task, signal.pupil, rule("prevention/" + pattern.id),
                     "a professional raised a concern before any escalation",
                     add_days(today_, pattern.task.due_days), {}, signal.raised_by);
            }
        }
    } else if (t == "case.registered") {
        close_tasks([&](const Task& task) { return task.type == "table.register" && task.table == signal.table; },
                    rule("ladder/registered"), "the case was registered at the table");
    } else if (t == "table.outcome") {
        close_tasks([&](const Task& task) { return task.table == signal.table && !task.table.empty(); },
                    rule("ladder/outcome"), "the table gave its outcome");
        if (!signal.casusregisseur.empty()) {
            plan_.casusregisseur = signal.casusregisseur;
            open(rb_.casusregisseur, plan_.escalated_pupil.empty() ? signal.pupil : plan_.escalated_pupil,
                 rule("ladder/casusregisseur"), "the table appointed a casusregisseur from the MDO",
                 add_days(today_, rb_.casusregisseur.due_days), signal.table);
        }
        if (signal.outcome == "unresolved") {
            step_up(rule("ladder/table_unresolved"), "the " + signal.table + " could not resolve the case");
        } else if (signal.outcome == "resolved") {
            plan_.ladder_position = -1;
            plan_.table.clear();
            decide(DecisionKind::de_escalate, rule("ladder/table_resolved"),
                   "the table resolved the case; it continues with the MDO", signal.table);
        }
    } else if (t == "youthcare.started") {
        plan_.youthcare_active = true;
    } else if (t == "youthcare.ended") {
        plan_.youthcare_active = false;
        if (signal.reason == "refused" || signal.reason == "insufficient_cooperation") {
            const Municipality* m = municipality();
            if (m && !m->jeugdbeschermingstafel.empty()) {
                open(rb_.jeugdbescherming, signal.pupil, rule("jeugdbescherming/voluntary_help_refused"),
                     "voluntary youth care was refused or cooperation stayed insufficient",
                     add_days(today_, rb_.jeugdbescherming.due_days), "jeugdbeschermingstafel");
            }
        }
    } else if (t == "person.moved") {
        moved(signal.gemeentecode);
    }
}

Result<bool> Step::override_(const Override& requested) {
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

void Step::prevention() {
    if (escalated()) return;
    for (const PreventionPattern& pattern : rb_.prevention) {
        if (pattern.kind == PreventionPattern::Kind::concern_raised) continue;
        for (const PupilInPlan& pupil : plan_.pupils) {
            const Day window_start = add_days(today_, -pattern.within_days);
            int count = 0;
            double hours = 0;
            std::optional<Day> first;
            for (const AbsencePeriod& p : plan_.absences) {
                if (p.pupil != pupil.pupil || p.kind != "ongeoorloofd" || p.from < window_start || p.from > today_) continue;
                const int length = days_between(p.from, p.to.value_or(today_)) + 1;
                if (pattern.kind == PreventionPattern::Kind::unauthorised_absences && length > pattern.max_days_each) continue;
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
                     ? std::to_string(count) + " short unauthorised absences within " +
                           std::to_string(pattern.within_days) + " days"
                     : "unauthorised absence reached the reporting threshold within " +
                           std::to_string(pattern.within_days) + " days",
                 add_days(today_, pattern.task.due_days));
        }
    }
}

void Step::reminders() {
    for (Task& task : plan_.open_tasks) {
        if (task.reminded || add_days(task.due, -rb_.reminder_days_before_due) > today_) continue;
        task.reminded = true;
        decide(DecisionKind::reminder, rule("deadline/reminder"),
               task.due < today_ ? "the task is overdue" : "the task is due on " + format_day(task.due), task.table,
               task);
    }
}

void Step::de_escalation() {
    if (!escalated()) return;
    const int quiet = rb_.de_escalate_after_attendance_days;
    const std::string& pupil = plan_.escalated_pupil;
    std::optional<Day> last_absent;
    auto absent_until = [&](Day end) { last_absent = last_absent ? std::max(*last_absent, end) : end; };
    for (const AbsencePeriod& p : plan_.absences) {
        if (p.pupil == pupil) absent_until(p.to.value_or(today_));
    }
    // Not fully taking part counts as not back: partial attendance keeps the escalation open.
    for (const PartialAttendance& p : plan_.partial) {
        if (p.pupil == pupil) absent_until(p.to.value_or(today_));
    }
    // Back at school for `quiet` days after the escalation started: the escalation ends.
    const Day back_since = last_absent ? add_days(*last_absent, 1) : *plan_.escalated_since;
    if (days_between(std::max(back_since, *plan_.escalated_since), today_) < quiet) return;
    const std::string r = rule("de_escalation/attendance_resumed");
    const std::vector<std::string> escalation_types = [&] {
        std::vector<std::string> types{"table.register", "table.notify"};
        for (const TaskTemplate& t : rb_.on_escalation) types.push_back(t.type);
        return types;
    }();
    close_tasks([&](const Task& task) { return contains(escalation_types, task.type); }, r,
                "the pupil is back at school");
    plan_.escalated_since.reset();
    plan_.first_worrying.reset();
    plan_.escalated_pupil.clear();
    plan_.ladder_position = -1;
    plan_.table.clear();
    decide(DecisionKind::de_escalate, r, "the pupil has attended for " + std::to_string(quiet) + " days");
}

void Step::evaluate() {
    if (!escalated() && rb_.consecutive_absence) {
        for (const PupilInPlan& pupil : plan_.pupils) {
            const auto run = current_absence_run(plan_.absences, pupil.pupil, today_, *rb_.consecutive_absence);
            if (!run || run->counted_days < rb_.consecutive_absence->weeks * 7) continue;
            start_escalation(pupil.pupil, run->first_counted, rule("escalation/" + rb_.consecutive_absence->id),
                             std::to_string(rb_.consecutive_absence->weeks) +
                                 " weeks of consecutive absence not explained by illness");
            break;
        }
    }
    prevention();
    reminders();
    de_escalation();
}

}  // namespace

std::optional<AbsenceRun> current_absence_run(const std::vector<AbsencePeriod>& absences, std::string_view pupil,
                                              Day today, const ConsecutiveAbsenceTrigger& trigger) {
    std::vector<const AbsencePeriod*> periods;
    for (const AbsencePeriod& p : absences) {
        if (p.pupil == pupil && p.from <= today) periods.push_back(&p);
    }
    if (periods.empty()) return std::nullopt;
    std::sort(periods.begin(), periods.end(), [](const auto* a, const auto* b) { return a->from < b->from; });

    // Merge into runs, bridging short gaps; keep the run that reaches today (within the bridge).
    Day run_start = periods.front()->from;
    Day run_end = std::min(periods.front()->to.value_or(today), today);
    for (std::size_t i = 1; i < periods.size(); ++i) {
        const Day start = periods[i]->from;
        const Day end = std::min(periods[i]->to.value_or(today), today);
        if (days_between(run_end, start) <= trigger.bridge_days + 1) {
            run_end = std::max(run_end, end);
        } else {
            run_start = start;
            run_end = end;
        }
    }
    if (days_between(run_end, today) > trigger.bridge_days) return std::nullopt;

    // The run lasts from its first counted day to today, or to its last day plus the bridge when
    // it ended before today (a weekend, a report not yet in): four school weeks of absence, Monday
    // to Friday, make 28 days on the Sunday. Days covered only by a kind that does not count
    // (illness) are not counted; gaps inside the run are.
    const Day end = std::min(today, add_days(run_end, trigger.bridge_days));
    AbsenceRun run{run_start, 0, run_end};
    bool first = true;
    for (Day day = run_start; day <= end; day += std::chrono::days(1)) {
        bool counting = false;
        bool excluded = false;
        for (const AbsencePeriod* p : periods) {
            if (!covers(*p, day, today)) continue;
            if (contains(trigger.not_counting, p->kind)) excluded = true;
            else counting = true;
        }
        if (first && (!counting || excluded)) continue;  // the count starts at the first unexplained day
        if (first) run.first_counted = day;
        first = false;
        if (!excluded) ++run.counted_days;
    }
    if (first) return std::nullopt;
    return run;
}

Result<std::vector<Decision>> Engine::apply(PlanState& plan, const Event& event, Day today) const {
    std::vector<Decision> decisions;
    if (const auto* override_event = std::get_if<OverrideEvent>(&event)) {
        // Only an override can be refused: work on a copy so a refusal leaves the plan as it was.
        PlanState working = plan;
        Step step(routeboek_, working, today, decisions);
        auto accepted = step.override_(override_event->override_);
        if (!accepted) return accepted.problems();
        step.evaluate();
        plan = std::move(working);
        return decisions;
    }
    Step step(routeboek_, plan, today, decisions);
    if (const auto* signal = std::get_if<SignalEvent>(&event)) {
        step.signal(*signal);
    } else {
        plan.evaluated_until = today;
    }
    step.evaluate();
    return decisions;
}

std::optional<Day> Engine::next_check(const PlanState& plan, Day today) const {
    const bool open_absence = std::any_of(plan.absences.begin(), plan.absences.end(),
                                          [&](const AbsencePeriod& p) { return !p.to || *p.to >= today; });
    if (plan.escalated_since || open_absence || !plan.open_tasks.empty() || !plan.partial.empty()) {
        return add_days(today, 1);
    }
    // Recent short absences can still add up to a prevention pattern or a run within the window.
    const bool recent = std::any_of(plan.absences.begin(), plan.absences.end(), [&](const AbsencePeriod& p) {
        return days_between(p.to.value_or(today), today) <= 28;
    });
    return recent ? std::optional<Day>(add_days(today, 1)) : std::nullopt;
}

}  // namespace eenplan::routeboek

// Enrolment sync between the schools and the municipality. A school must tell the leerplicht office
// of the pupil's woongemeente of every in- and uitschrijving (Leerplichtwet art. 18; today through
// DUO's BRON/ROD, late and per municipality). Here every enrolment signal becomes a notification
// for the leerplicht office of the woongemeente (grensverkeer: not the school's municipality), with
// coded facts only (BRIN, date, reason or sector). An uitschrijving that no inschrijving follows
// within the routeboek's number of school days is absoluut verzuim (a child of compulsory school
// age enrolled nowhere): a task for leerplicht, closed by a later inschrijving. An inschrijving
// within the window, or one that already exists elsewhere, is a transfer and raises nothing. A move
// tells the pupil's current school(s) the new woongemeente, never the address. A pupil whose birth
// year (from the municipality) puts it outside compulsory schooling raises no absoluut-verzuim
// task (registration/school_age.hpp). The woongemeente of
// an in- or uitschrijving is the one in force on its date (the plan's residence history).
#include "eenplan/core/registration/school_age.hpp"
#include "routeboek/step.hpp"

namespace eenplan::routeboek::detail {
namespace {

bool same_enrolment_place(const Enrolment& e, const std::string& pupil, const std::string& brin) {
    return e.pupil == pupil && e.brin == brin;
}

// Monday to Friday, for a region without a school calendar.
Day add_weekdays(Day day, int count) {
    while (count > 0) {
        day = add_days(day, 1);
        if (is_weekday(day)) --count;
    }
    return day;
}

}  // namespace

Day Step::window_end(const SchoolGap& gap) const {
    const int days = rb_->registration ? rb_->registration->without_school_after_school_days : 0;
    return calendar_ ? calendar_->add_school_days(gap.ended, days, gap.brin, gap.gemeentecode)
                     : add_weekdays(gap.ended, days);
}

std::string Step::recipient_on(const TaskTemplate& tmpl, const SchoolRef& school, const std::string& pupil,
                               Day day) const {
    if (tmpl.recipient == RecipientRole::school && !school.brin.empty()) return "school:" + school.brin;
    // The woongemeente of the enrolment's own date, not today's: an inschrijving reported after
    // the family moved still belongs to the municipality the pupil lived in then.
    const Municipality* m = rb_->municipality(plan_.woongemeente_on(day));
    switch (tmpl.recipient) {
        case RecipientRole::leerplicht: return m ? m->leerplicht : std::string();
        case RecipientRole::local_team: return m ? m->local_team : std::string();
        default: return resolve(tmpl.recipient, tmpl.organisation, pupil, {});
    }
}

void Step::notify(const TaskTemplate& tmpl, const std::string& recipient, const std::string& pupil,
                  const std::string& rule, const std::string& reason, delivery::TaskFacts facts) {
    if (recipient.empty()) {
        note("notify", rule, "no recipient for " + tmpl.type + " in this municipality; nothing sent");
        return;
    }
    Task task;
    task.id = plan_.family_id + "/" + std::to_string(plan_.next_task++);
    task.type = tmpl.type;
    task.title = tmpl.title;
    task.recipient = recipient;
    task.pupil = pupil;
    task.rule = rule;
    task.created = today_;
    task.due = add_days(today_, tmpl.due_days);
    task.facts = std::move(facts);
    decide(DecisionKind::notify, rule, reason, {}, std::move(task));
}

void Step::on(const EnrolmentStarted& started, const SignalEvent& event) {
    if (!rb_->registration || event.pupil.empty()) return;
    const RegistrationRules& rules = *rb_->registration;
    const SchoolRef school = event.signal.school.value_or(SchoolRef{});
    const std::string sector = started.sector.value_or("");

    auto& enrolments = plan_.enrolments;
    auto it = std::find_if(enrolments.begin(), enrolments.end(), [&](const Enrolment& e) {
        return same_enrolment_place(e, event.pupil, school.brin) && !e.end;
    });
    if (it == enrolments.end()) {
        enrolments.push_back(
            {event.pupil, school.brin, school.gemeentecode, started.start_date, std::nullopt, sector, {}});
    } else {
        it->start = started.start_date;
        if (!sector.empty()) it->sector = sector;
    }

    const std::string recipient = recipient_on(rules.enrolment_started, school, event.pupil, started.start_date);
    notify(rules.enrolment_started, recipient, event.pupil, rule("registration/enrolment_started"),
           "an inschrijving: the leerplicht office of the woongemeente is told (Leerplichtwet art. 18)",
           {school.brin, format_day(started.start_date), sector, {}});

    // A pupil who was without a school: within the window it was a transfer; after it, the
    // absoluut-verzuim task closes.
    const std::string r = rule("registration/transfer");
    auto& gaps = plan_.school_gaps;
    for (const SchoolGap& gap : gaps) {
        if (gap.pupil != event.pupil) continue;
        if (!gap.raised) {
            note("signal", r,
                 "an inschrijving followed the uitschrijving within " +
                     std::to_string(rules.without_school_after_school_days) + " school days: a transfer, no alarm",
                 event.signal_id);
        }
    }
    const std::string verzuim_rule = rule("registration/absoluut_verzuim");
    close_tasks([&](const Task& t) { return t.pupil == event.pupil && t.rule == verzuim_rule; },
                rule("registration/enrolled_again"), "the pupil is enrolled at a school again");
    std::erase_if(gaps, [&](const SchoolGap& gap) { return gap.pupil == event.pupil; });
}

void Step::on(const EnrolmentEnded& ended, const SignalEvent& event) {
    if (!rb_->registration || event.pupil.empty()) return;
    const RegistrationRules& rules = *rb_->registration;
    const SchoolRef school = event.signal.school.value_or(SchoolRef{});

    auto& enrolments = plan_.enrolments;
    auto it = std::find_if(enrolments.begin(), enrolments.end(), [&](const Enrolment& e) {
        return same_enrolment_place(e, event.pupil, school.brin) && !e.end;
    });
    if (it == enrolments.end()) {
        enrolments.push_back(
            {event.pupil, school.brin, school.gemeentecode, std::nullopt, ended.end_date, {}, ended.reason});
    } else {
        it->end = ended.end_date;
        it->end_reason = ended.reason;
    }

    const std::string recipient = recipient_on(rules.enrolment_ended, school, event.pupil, ended.end_date);
    notify(rules.enrolment_ended, recipient, event.pupil, rule("registration/enrolment_ended"),
           "an uitschrijving: the leerplicht office of the woongemeente is told (Leerplichtwet art. 18)",
           {school.brin, format_day(ended.end_date), ended.reason, {}});

    const std::string r = rule("registration/without_school");
    if (contains(rules.not_watched_reasons, ended.reason)) {
        note("signal", r,
             "the uitschrijving ends compulsory schooling or is an exemption (" + ended.reason +
                 "); no search for a new school",
             event.signal_id);
        return;
    }
    // Enrolled at another school already (the new school reported first): a transfer.
    const bool elsewhere = std::any_of(enrolments.begin(), enrolments.end(), [&](const Enrolment& e) {
        return e.pupil == event.pupil && e.brin != school.brin && (!e.end || *e.end > ended.end_date);
    });
    if (elsewhere) {
        note("signal", rule("registration/transfer"), "the pupil is enrolled at another school: a transfer, no alarm",
             event.signal_id);
        return;
    }
    auto& gaps = plan_.school_gaps;
    if (std::any_of(gaps.begin(), gaps.end(), [&](const SchoolGap& g) { return g.pupil == event.pupil && g.raised; })) {
        return;  // already without a school, and leerplicht already has the task
    }
    std::erase_if(gaps, [&](const SchoolGap& g) { return g.pupil == event.pupil; });
    SchoolGap gap{event.pupil, school.brin, school.gemeentecode, ended.end_date, ended.reason, ended.end_date, false};
    gap.until = window_end(gap);
    note("signal", r,
         "no other enrolment known: absoluut verzuim unless an inschrijving follows by " + format_day(gap.until),
         event.signal_id);
    gaps.push_back(std::move(gap));
}

void Step::without_school() {
    // Each gap under the routeboek of its pupil.
    // A child the population register's birth year puts outside compulsory schooling on the day
    // the window closes (too young, or past kwalificatieplicht) is no absoluut verzuim.
    std::erase_if(plan_.school_gaps, [&](const SchoolGap& gap) {
        if (gap.raised || today_ <= gap.until || !book_for(gap.pupil).registration) return false;
        rb_ = &book_for(gap.pupil);
        const PupilInPlan* pupil = plan_.pupil(gap.pupil);
        if (!pupil || !pupil->birth_year || registration::may_be_of_school_age(*pupil->birth_year, today_))
            return false;
        note("signal", rule("registration/school_age"),
             "by the birth year the municipality supplied the pupil is not of compulsory school age; no "
             "absoluut-verzuim task");
        return true;
    });
    for (SchoolGap& gap : plan_.school_gaps) {
        if (gap.raised || today_ <= gap.until || !book_for(gap.pupil).registration) continue;
        rb_ = &book_for(gap.pupil);
        const RegistrationRules& rules = *rb_->registration;
        gap.raised = true;
        const SchoolGap copy = gap;  // open() may not touch the gaps, but keep the facts stable
        open(rules.absoluut_verzuim, copy.pupil, rule("registration/absoluut_verzuim"),
             "no inschrijving at any school within " + std::to_string(rules.without_school_after_school_days) +
                 " school days after the uitschrijving",
             add_days(today_, rules.absoluut_verzuim.due_days), {}, {},
             {copy.brin, format_day(copy.ended), copy.reason, {}});
    }
}

void Step::tell_schools_of_move() {
    const Routeboek* family = rb_;
    for (const PupilInPlan& pupil : plan_.pupils) {
        // Each pupil's school is told under that pupil's routeboek.
        rb_ = &book_for(pupil.pupil);
        if (!rb_->registration) continue;
        const RegistrationRules& rules = *rb_->registration;
        const std::string r = rule("registration/woongemeente_changed");
        std::vector<std::string> schools;
        bool any_enrolment = false;
        for (const Enrolment& e : plan_.enrolments) {
            if (e.pupil != pupil.pupil) continue;
            any_enrolment = true;
            if ((!e.end || *e.end >= today_) && !e.brin.empty() && !contains(schools, e.brin))
                schools.push_back(e.brin);
        }
        // A pupil the hub knows only from other signals: the school those came from.
        if (!any_enrolment && !pupil.school_brin.empty()) schools.push_back(pupil.school_brin);
        for (const std::string& brin : schools) {
            notify(rules.woongemeente_changed, "school:" + brin, pupil.pupil, r,
                   "the pupil's woongemeente changed: the school is told the new municipality, not the address",
                   {brin, format_day(today_), {}, plan_.woongemeente});
        }
    }
    rb_ = family;
}

}  // namespace eenplan::routeboek::detail

// One plan per family ("één gezin, één plan"): what the engine knows and has decided. The plan is
// owned by the school through the MDO; tables advise and may appoint a casusregisseur, they do
// not take the case over. The service stores a PlanState per family (as JSON, plan_codec.hpp) and
// hands it to the engine with each event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "eenplan/core/delivery/task.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "eenplan/core/signal.hpp"

namespace eenplan::routeboek {

struct PupilInPlan {
    std::string pupil;  // hub pupil id
    std::string school_brin;
    std::string school_gemeentecode;
    std::optional<int> birth_year = std::nullopt;  // the year only, when the municipality supplied it (person.moved)
    // po, vo, so, mbo: the sector of the school, from the inschrijving (enrolment.started
    // data.sector); empty until one says, then the engine's per-BRIN setting decides.
    std::string sector = {};
};

struct AbsencePeriod {
    std::string pupil;
    Day from;
    std::optional<Day> to;  // open: still absent
    std::string kind;       // ongeoorloofd, geoorloofd, ziekte
    double hours = 0;
};

struct PartialAttendance {
    std::string pupil;
    Day from;
    std::optional<Day> to;
    int approaches = 0;
};

struct Task {
    std::string id;  // "<family>/<n>": stable, the idempotency key of its delivery
    std::string type;
    std::string title;
    std::string recipient;  // organisation id, or "school:<BRIN>"
    std::string pupil;
    std::string table;  // for table steps
    std::string rule;   // the rule that made it
    Day created;
    Day due;
    bool reminded = false;
    delivery::TaskFacts facts{};  // the coded facts it carries (registration.cpp)
};

// One enrolment of a pupil at a school, as the school reported it (in- and uitschrijving). Either
// signal may come first: an uitschrijving of an enrolment the hub never saw has no start.
struct Enrolment {
    std::string pupil;
    std::string brin;
    std::string gemeentecode;  // the school's municipality
    std::optional<Day> start;
    std::optional<Day> end;  // the last day at the school; absent while enrolled
    std::string sector;      // po, so, vo, mbo (of the inschrijving)
    std::string end_reason;  // verhuizing, schoolwissel, einde_leerplicht, vrijstelling, overig
};

// A pupil whose enrolment ended without another one: watched for absoluut verzuim until the last
// school day of the window; a new enrolment ends the watch (a transfer) or closes the task.
struct SchoolGap {
    std::string pupil;
    std::string brin;          // the school that ended the enrolment
    std::string gemeentecode;  // its municipality
    Day ended;
    std::string reason;
    Day until;            // the last school day on which an enrolment still counts as a transfer
    bool raised = false;  // the absoluut-verzuim task was made
};

// One period of the woongemeente: from a date on (a move's date, or a household registration's);
// `from` is the epoch for the woongemeente the plan started with, whose start is not known.
struct Residence {
    Day from;
    std::string gemeentecode;
};

enum class OverrideKind { skip_step, choose_table, extend_term };
std::string_view to_string(OverrideKind kind);
// "skip_step", "choose_table" or "extend_term"; nullopt for anything else.
std::optional<OverrideKind> parse_override_kind(std::string_view text);

struct Override {
    OverrideKind kind = OverrideKind::extend_term;
    std::string table;   // choose_table
    int days = 0;        // extend_term
    std::string reason;  // mandatory: a guideline, not a rule, but deviations are explained
    std::string by;
    Day at;
    bool used = false;  // skip_step and choose_table apply to the next escalation only
};

struct TimelineEntry {
    Day at;
    std::string kind;    // signal, task, escalate, reminder, de_escalate, handover, close_task, override
    std::string rule;    // the rule that fired, or the signal type
    std::string reason;  // one sentence
    std::string ref;     // task id, table id or signal id
};

struct PlanState {
    std::string family_id;
    std::string woongemeente;           // today's
    std::vector<Residence> residences;  // the woongemeente's history by date (may be empty)
    std::vector<PupilInPlan> pupils;
    std::vector<AbsencePeriod> absences;
    std::vector<PartialAttendance> partial;
    bool mdo_requested_advice = false;

    // The escalation, once started.
    std::optional<Day> escalated_since;
    std::optional<Day> first_worrying;  // first date of worrying absence: the terms count from it
    std::string escalated_pupil;
    int ladder_position = -1;    // -1: at the MDO; otherwise index into the municipality's ladder
    std::string table;           // the table the case is at, if any
    std::string casusregisseur;  // organisation id
    bool youthcare_active = false;
    std::vector<std::string> goals;  // the MDO's goals, as codes (mdo.held data.goals)

    std::vector<std::string> fired;  // keys of prevention rules already fired (rule|pupil|window)
    std::vector<Task> open_tasks;
    std::vector<Override> overrides;
    std::vector<TimelineEntry> timeline;
    std::vector<Enrolment> enrolments;   // registration.cpp
    std::vector<SchoolGap> school_gaps;  // pupils without a school, being watched
    std::uint64_t next_task = 1;
    std::optional<Day> evaluated_until;  // the last day a clock tick was applied for

    [[nodiscard]] const PupilInPlan* pupil(std::string_view id) const;
    // The woongemeente in force on `day`: the latest residence that started by then, or today's
    // when the history does not reach back that far.
    [[nodiscard]] const std::string& woongemeente_on(Day day) const;
};

// Records that the woongemeente is `gemeentecode` from `from` on, keeping the history in date order
// (one entry per date: a later report for the same date replaces it). The first record of a plan
// that already had a woongemeente keeps that one as the period before.
void record_residence(PlanState& plan, Day from, const std::string& gemeentecode);

// A stored signal as the engine sees it: the typed signal, which stored signal it is, and the
// pupil record it was filed on (empty when it is about no pupil, e.g. a household).
struct SignalEvent {
    std::string signal_id;
    std::string pupil;
    Day on;  // the day it happened (the date of occurred_at)
    Signal signal;
};

struct TickEvent {
    Day today;
};

struct OverrideEvent {
    Override override_;
};

using Event = std::variant<SignalEvent, TickEvent, OverrideEvent>;

// notify: a notification that leaves through the outbox like a task but needs no follow-up, so the
// plan does not keep it open (an enrolment to the woongemeente, a new woongemeente to the school).
enum class DecisionKind { task, escalate, reminder, de_escalate, handover, close_task, override, notify };
std::string_view to_string(DecisionKind kind);

struct Decision {
    DecisionKind kind;
    std::string rule;    // "haaglanden-po/escalation/consecutive_absence", ...
    std::string reason;  // one sentence, no personal data
    std::string table;
    std::optional<Task> task;        // task, reminder, close_task, handover, notify (the task as it is now)
    std::string previous_recipient;  // handover
};

// A sibling's plan of its own joins its family's plan (the household signal named the family after
// both pupils had plans): pupils, absences, partial attendance, open tasks, overrides and prevention
// marks are united, both timelines kept in date order (each entry of the adopted plan says where it
// came from), the escalation kept if either plan had one (the family's first), youth care if
// either had it. Task ids stay as they were; the family's next id is past both.
void adopt_plan(PlanState& family, PlanState adopted);

}  // namespace eenplan::routeboek

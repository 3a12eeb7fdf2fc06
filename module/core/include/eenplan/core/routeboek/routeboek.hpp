// A routeboek as data: the regional agreement on when a pupil's situation is escalated, to which
// table, who registers it where in each municipality, who sits at each table, and which terms
// apply. It is read from YAML validated by schemas/routeboek/routeboek.schema.json (module/readers/;
// the service loads it through service/routeboek/routeboek_loader.*); the engine (engine.hpp) only
// interprets it. A region without a doorbraaktafel simply lists none in its municipalities' ladders.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eenplan::routeboek {

// Who receives a task, resolved per family by the engine:
//   school        the pupil's school (its BRIN), which owns the plan through the MDO
//   local_team    the youth team of the woongemeente (grensverkeer: not the school's municipality)
//   leerplicht    the leerplicht office of the woongemeente
//   organisation  a named organisation of the routeboek
//   raiser        the organisation that raised the concern that fired the rule
//   casusregisseur  the organisation a table appointed as casusregisseur
//   zorgcoordinator the school's own zorgcoördinator (VO): delivered to the pupil's school like
//                   `school`, but a VO routeboek names who at the school acts
enum class RecipientRole { school, local_team, leerplicht, organisation, raiser, casusregisseur, zorgcoordinator };

struct TaskTemplate {
    std::string type;   // "school.continuity_of_education"
    std::string title;  // one Dutch sentence for the professional
    RecipientRole recipient = RecipientRole::school;
    std::string organisation;  // for RecipientRole::organisation
    int due_days = 14;         // after the task is made
};

struct Organisation {
    std::string id;
    std::string name;
    std::string kind;  // samenwerkingsverband, jeugdhulp, lokaal_team, leerplicht, gemeente, ...
};

// How a case reaches a table in one municipality.
struct Registration {
    std::string registered_by;  // "mdo", "mdo_partner", "management_afstemming", "adviestafel", or an organisation id
    RecipientRole task_for = RecipientRole::school;  // who gets the task to register
    std::string task_organisation;                   // when task_for is organisation
    std::string registers_with;                      // organisation id of the desk
    std::string channel;                             // "standaardformulier", "via de consulent jeugd en onderwijs", ...
    std::vector<std::string> notify;                 // organisations that must know of the escalation
    std::optional<int> deadline_weeks;               // after the first date of worrying absence
    int term_days = 14;                              // otherwise: due this many days after the step is reached
};

struct Table {
    std::string id;
    std::string name;
    int level = 0;
    std::string purpose;
    std::map<std::string, Registration> registration;         // by gemeentecode
    std::map<std::string, std::vector<std::string>> members;  // by gemeentecode: organisation ids or roles
    std::vector<std::string> dossier;                         // what the registration must contain
    bool may_appoint_casusregisseur = false;
    // The step may only be taken within this window after the first date of worrying absence
    // (eigen team/manager: between 4 and 8 weeks).
    std::optional<int> window_from_weeks;
    std::optional<int> window_to_weeks;
};

struct Municipality {
    std::string code;  // GM0518
    std::string name;
    std::string local_team;  // organisation id
    std::string leerplicht;  // organisation id
    // The escalation ladder after the MDO, lowest first: table ids. The eigen-team step is not on
    // it: it is taken beside the ladder when a professional disagrees with the MDO.
    std::vector<std::string> ladder;
    std::string jeugdbeschermingstafel;  // organisation id, empty when none
};

// Starting the escalation: N weeks of consecutive absence not explained by the listed kinds.
struct ConsecutiveAbsenceTrigger {
    std::string id;
    int weeks = 4;
    std::vector<std::string> not_counting{"ziekte"};
    int bridge_days = 3;  // gaps this short (a weekend, a late report) do not break the run, and count
};

// Starting the escalation: not fully taking part for a long time, several approaches tried,
// and the MDO asks for advice (mdo.held with escalate).
struct PartialAttendanceTrigger {
    std::string id;
    int min_weeks = 6;
    int min_approaches = 2;
};

// Prevention: a light task for the school's support team before the escalation mark.
struct PreventionPattern {
    enum class Kind { unauthorised_absences, unauthorised_hours, concern_raised };
    std::string id;
    Kind kind = Kind::unauthorised_absences;
    int count = 3;          // unauthorised_absences: at least this many periods...
    int max_days_each = 2;  // ...each at most this long...
    double hours = 16;      // unauthorised_hours: at least this many hours...
    int within_days = 28;   // ...within this many days
    TaskTemplate task;
};

// Enrolment sync (Leerplichtwet art. 18: a school tells the leerplicht office of the pupil's
// woongemeente of every in- and uitschrijving) and pupils without a school (absoluut verzuim).
struct RegistrationRules {
    TaskTemplate enrolment_started;  // notification of an inschrijving (recipient: leerplicht)
    TaskTemplate enrolment_ended;    // notification of an uitschrijving
    // An uitschrijving not followed by an inschrijving within this many school days of the
    // school that ended it raises `absoluut_verzuim`; one within it is a transfer.
    int without_school_after_school_days = 10;
    std::vector<std::string> not_watched_reasons{"einde_leerplicht", "vrijstelling"};
    TaskTemplate absoluut_verzuim;      // a task, open until an inschrijving closes it
    TaskTemplate woongemeente_changed;  // notification to each school of a pupil who moved
};

struct Routeboek {
    std::string id;
    std::string name;
    std::string version;
    std::string sector = "po";  // po, vo, so, mbo: the pupils whose school is of this sector follow it
    std::vector<Organisation> organisations;
    std::vector<Municipality> municipalities;
    std::vector<Table> tables;
    std::optional<ConsecutiveAbsenceTrigger> consecutive_absence;
    std::optional<PartialAttendanceTrigger> partial_attendance;
    std::vector<PreventionPattern> prevention;
    std::vector<TaskTemplate> on_escalation;        // made when the escalation starts (continuity, MDO, leerplicht)
    TaskTemplate eigen_team;                        // to the professional who disagrees with the MDO
    TaskTemplate casusregisseur;                    // to the casusregisseur a table appoints
    TaskTemplate jeugdbescherming;                  // when voluntary youth care is refused
    std::optional<RegistrationRules> registration;  // absent: enrolments change no plan
    int reminder_days_before_due = 3;
    int de_escalate_after_attendance_days = 28;

    [[nodiscard]] const Municipality* municipality(std::string_view code) const;
    [[nodiscard]] const Table* table(std::string_view id) const;
    [[nodiscard]] const Organisation* organisation(std::string_view id) const;
};

}  // namespace eenplan::routeboek

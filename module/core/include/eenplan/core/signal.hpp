// The signal: one fact about one pupil or household from a school or municipal system, as a typed
// value. The JSON Schema in schemas/signals/ checks the shape of what arrives; the codec beside
// the service (integration/codec/signal_json.hpp) turns a schema-valid request or a stored
// envelope into a Signal and back, so field names live in one place. The subject (who the signal
// is about) is not part of the value: the pipeline pseudonymises it before anything is stored.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/calendar.hpp"

namespace eenplan {

using routeboek::Day;

enum class SignalType {
    enrolment_started,      // inschrijving
    enrolment_ended,        // uitschrijving
    absence_reported,       // verzuimmelding: ongeoorloofd, geoorloofd or ziekte
    support_started,        // a youth team, JGZ, SMW or leerplicht starts supporting the pupil
    household_composition,  // the municipality's view of a household: parents and children
    person_moved,           // a new woongemeente from a date on
    attendance_partial,     // the pupil does not fully take part in lessons
    mdo_held,               // a multidisciplinary meeting was held
    case_registered,        // the case was registered at a table
    table_outcome,          // a table's outcome: resolved, advice or unresolved
    youthcare_started,      // jeugdhulp started
    youthcare_ended,        // jeugdhulp ended, and why
    concern_raised,         // a professional's worry, or disagreement with the MDO
    consent_given,          // a parent or the young person consents to share data (docs/privacy.md)
    consent_withdrawn,      // that consent is withdrawn
};

inline constexpr std::size_t signal_type_count = 15;

// "absence.reported" etc.; nullopt for anything else.
std::optional<SignalType> parse_signal_type(std::string_view text);
std::string_view to_string(SignalType type);
// Every type, in the order of the enum (for tests and documentation).
const std::array<SignalType, signal_type_count>& all_signal_types();

// The school a signal comes from: its BRIN and the CBS code of the municipality it stands in
// (which need not be the pupil's woongemeente).
struct SchoolRef {
    std::string brin;
    std::string gemeentecode;
    std::optional<std::string> vestiging;

    friend bool operator==(const SchoolRef&, const SchoolRef&) = default;
};

// One struct per type: the `data` of the envelope. Enumerated values (absence kinds, reasons,
// outcomes) are the schema's codes; optional members are optional in the schema.
struct EnrolmentStarted {
    static constexpr SignalType type = SignalType::enrolment_started;
    Day start_date;
    std::optional<std::string> sector;  // po, so, vo, mbo
    std::optional<int> leerjaar;
    friend bool operator==(const EnrolmentStarted&, const EnrolmentStarted&) = default;
};

struct EnrolmentEnded {
    static constexpr SignalType type = SignalType::enrolment_ended;
    Day end_date;
    std::string reason;  // verhuizing, schoolwissel, einde_leerplicht, vrijstelling, overig
    friend bool operator==(const EnrolmentEnded&, const EnrolmentEnded&) = default;
};

struct AbsenceReported {
    static constexpr SignalType type = SignalType::absence_reported;
    std::string absence_kind;  // ongeoorloofd, geoorloofd, ziekte
    Day from;
    std::optional<Day> to;  // inclusive; absent while the absence goes on
    std::optional<double> hours;
    friend bool operator==(const AbsenceReported&, const AbsenceReported&) = default;
};

struct SupportStarted {
    static constexpr SignalType type = SignalType::support_started;
    Day start_date;
    std::string provider;  // jeugdteam, jgz, smw, leerplicht, wijkteam
    friend bool operator==(const SupportStarted&, const SupportStarted&) = default;
};

// The members themselves are pseudonymised into the record tables; the signal keeps their count.
struct HouseholdComposition {
    static constexpr SignalType type = SignalType::household_composition;
    std::string gemeentecode;
    int members = 0;
    friend bool operator==(const HouseholdComposition&, const HouseholdComposition&) = default;
};

struct PersonMoved {
    static constexpr SignalType type = SignalType::person_moved;
    std::string gemeentecode;
    Day date;
    // From the population register, the year only (never the date): whether the child can be of
    // compulsory school age (registration/school_age.hpp).
    std::optional<int> birth_year = std::nullopt;
    friend bool operator==(const PersonMoved&, const PersonMoved&) = default;
};

struct AttendancePartial {
    static constexpr SignalType type = SignalType::attendance_partial;
    Day from;
    std::optional<Day> to;
    int approaches = 0;
    std::optional<double> hours_per_week;
    friend bool operator==(const AttendancePartial&, const AttendancePartial&) = default;
};

struct MdoHeld {
    static constexpr SignalType type = SignalType::mdo_held;
    bool escalate = false;
    std::optional<std::string> outcome;  // plan_made, plan_adjusted, escalate, no_escalation
    std::vector<std::string> goals;      // the plan's goals as codes
    std::vector<std::string> dissent;    // organisations that disagree with not escalating
    friend bool operator==(const MdoHeld&, const MdoHeld&) = default;
};

struct CaseRegistered {
    static constexpr SignalType type = SignalType::case_registered;
    std::string table;
    std::optional<std::string> registered_by;
    friend bool operator==(const CaseRegistered&, const CaseRegistered&) = default;
};

struct TableOutcome {
    static constexpr SignalType type = SignalType::table_outcome;
    std::string table;
    std::string outcome;  // resolved, advice, unresolved
    std::optional<std::string> casusregisseur;
    friend bool operator==(const TableOutcome&, const TableOutcome&) = default;
};

struct YouthcareStarted {
    static constexpr SignalType type = SignalType::youthcare_started;
    Day start_date;
    std::optional<std::string> provider;
    std::optional<std::string> form;
    friend bool operator==(const YouthcareStarted&, const YouthcareStarted&) = default;
};

struct YouthcareEnded {
    static constexpr SignalType type = SignalType::youthcare_ended;
    Day end_date;
    std::string reason;  // completed, refused, insufficient_cooperation, moved, other
    friend bool operator==(const YouthcareEnded&, const YouthcareEnded&) = default;
};

struct ConcernRaised {
    static constexpr SignalType type = SignalType::concern_raised;
    std::string raised_by;  // organisation id
    std::string concern;    // verzuim, welzijn, thuissituatie, gedrag, leerontwikkeling, overig
    std::optional<bool> disagrees_with_mdo;
    friend bool operator==(const ConcernRaised&, const ConcernRaised&) = default;
};

// Consent recorded in the sending system, identified there by `reference`. Who must consent at
// which age: policy/agreement.hpp (consent_given_by_the_right_people); check() refuses others.
struct ConsentGiven {
    static constexpr SignalType type = SignalType::consent_given;
    std::string reference;
    std::string purpose;  // verzuim, jeugdhulp-afstemming, ...
    std::optional<std::string> recipient_kind;
    std::vector<std::string> categories;  // policy::Category names
    Day valid_from;
    std::optional<Day> valid_until;
    std::vector<std::string> given_by;  // parent, young_person
    std::string age_band;               // under_12, 12_to_15, 16_plus
    friend bool operator==(const ConsentGiven&, const ConsentGiven&) = default;
};

struct ConsentWithdrawn {
    static constexpr SignalType type = SignalType::consent_withdrawn;
    std::string reference;  // of the consent.given the same source sent
    friend bool operator==(const ConsentWithdrawn&, const ConsentWithdrawn&) = default;
};

// In the order of SignalType: index() == static_cast<std::size_t>(type).
using SignalData = std::variant<EnrolmentStarted, EnrolmentEnded, AbsenceReported, SupportStarted, HouseholdComposition,
                                PersonMoved, AttendancePartial, MdoHeld, CaseRegistered, TableOutcome, YouthcareStarted,
                                YouthcareEnded, ConcernRaised, ConsentGiven, ConsentWithdrawn>;
static_assert(std::variant_size_v<SignalData> == signal_type_count);

struct Signal {
    std::string occurred_at;          // RFC 3339 date-time, as sent
    std::optional<SchoolRef> school;  // required for the school's own signals
    SignalData data;

    [[nodiscard]] SignalType type() const noexcept { return static_cast<SignalType>(data.index()); }
    // The Dutch calendar day (Europe/Amsterdam) of occurred_at; nullopt when it is not a date-time.
    [[nodiscard]] std::optional<Day> occurred_on() const { return routeboek::parse_dutch_day(occurred_at); }

    friend bool operator==(const Signal&, const Signal&) = default;
};

// An absence period: dates are ISO 8601 calendar dates ("2026-09-14"), `to` inclusive and
// absent while the absence goes on. Returns a problem when `to` lies before `from`.
Problems check_absence_period(std::string_view from, std::optional<std::string_view> to);

// The rules of one signal a schema cannot express (an absence's `to` before its `from`); every
// problem located by a JSON Pointer into the envelope.
Problems check(const Signal& signal);

}  // namespace eenplan

// The one signal codec (integration/codec/signal_json.hpp): every signal type, read from a
// schema-valid request, stored as an envelope and read back, is the same typed value.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <Poco/JSON/Parser.h>

#include "codec/signal_json.hpp"
#include "validation/json_schema.hpp"

using namespace eenplan;

namespace {

const char* school = R"("school":{"brin":"12AB","gemeentecode":"GM0518","vestiging":"01"})";
const char* subject = R"("subject":{"bsn":"999990019"})";

std::string request(const std::string& type, const std::string& data, bool with_subject = true,
                    bool with_school = true) {
    return R"({"type":")" + type + R"(","occurred_at":"2026-11-16T08:30:00+01:00",)" +
           (with_subject ? std::string(subject) + "," : "") + (with_school ? std::string(school) + "," : "") +
           R"("data":)" + data + "}";
}

// One full request per type, every optional field present.
const std::map<SignalType, std::string>& requests() {
    static const std::map<SignalType, std::string> all{
        {SignalType::enrolment_started,
         request("enrolment.started", R"({"start_date":"2026-08-24","sector":"po","leerjaar":3})")},
        {SignalType::enrolment_ended, request("enrolment.ended", R"({"end_date":"2026-12-01","reason":"verhuizing"})")},
        {SignalType::absence_reported,
         request("absence.reported",
                 R"({"absence_kind":"ongeoorloofd","from":"2026-11-16","to":"2026-11-20","hours":12.5})")},
        {SignalType::support_started, request("support.started", R"({"start_date":"2026-11-16","provider":"jgz"})")},
        {SignalType::household_composition,
         request("household.composition",
                 R"({"gemeentecode":"GM0603","members":[{"role":"parent","subject":{"bsn":"999990019"}},)"
                 R"({"role":"child","subject":{"onderwijsnummer":"101010106"}}]})",
                 false, false)},
        {SignalType::person_moved,
         request("person.moved", R"({"gemeentecode":"GM1916","date":"2026-11-01"})", true, false)},
        {SignalType::attendance_partial,
         request("attendance.partial",
                 R"({"from":"2026-09-01","to":"2026-11-01","approaches":3,"hours_per_week":8.5})")},
        {SignalType::mdo_held,
         request("mdo.held", R"({"escalate":false,"outcome":"no_escalation","goals":["terug_naar_school","jeugdhulp"],)"
                             R"("dissent":["gm0518-smw"]})")},
        {SignalType::case_registered,
         request("case.registered", R"({"table":"adviestafel","registered_by":"sppoh"})", true, false)},
        {SignalType::table_outcome,
         request("table.outcome", R"({"table":"adviestafel","outcome":"advice","casusregisseur":"gm0518-jeugdteam"})",
                 true, false)},
        {SignalType::youthcare_started,
         request("youthcare.started", R"({"start_date":"2026-11-02","provider":"kracht","form":"ambulant"})", true,
                 false)},
        {SignalType::youthcare_ended,
         request("youthcare.ended", R"({"end_date":"2026-11-30","reason":"refused"})", true, false)},
        {SignalType::concern_raised,
         request("concern.raised", R"({"raised_by":"gm0603-jeugdteam","concern":"welzijn","disagrees_with_mdo":true})",
                 true, false)},
        {SignalType::consent_given,
         request(
             "consent.given",
             R"({"reference":"toestemming-17","purpose":"jeugdhulp-afstemming","recipient_kind":"local_team",)"
             R"("categories":["recipient_pseudonym","task_type"],"valid_from":"2026-09-01","valid_until":"2027-09-01",)"
             R"("given_by":["parent","young_person"],"age_band":"12_to_15"})",
             true, false)},
        {SignalType::consent_withdrawn, request("consent.withdrawn", R"({"reference":"toestemming-17"})", true, false)},
    };
    return all;
}

Poco::JSON::Object::Ptr schema_valid(const std::string& json) {
    const auto document = Poco::JSON::Parser().parse(json);
    const auto problems = service::JsonSchema::embedded("signals/signal.schema.json").validate(document);
    for (const auto& p : problems) INFO(p.pointer << ": " << p.detail);
    REQUIRE(problems.empty());
    return document.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

SCENARIO("every signal type round-trips through the codec", "[ingest][signal]") {
    REQUIRE(requests().size() == signal_type_count);
    for (const SignalType type : all_signal_types()) {
        GIVEN("a schema-valid " << to_string(type) << " request") {
            const auto object = schema_valid(requests().at(type));
            WHEN("it is read, stored as an envelope and read back") {
                const auto signal = signal_json::from_request(*object);
                for (const auto& p : signal.ok() ? Problems{} : signal.problems()) INFO(p.pointer << ": " << p.detail);
                REQUIRE(signal.ok());
                const std::string stored = signal_json::to_envelope_text(signal.value());
                const auto back = signal_json::from_envelope(stored);
                REQUIRE(back.ok());
                THEN("it is the same typed value, of its type, with no subject stored") {
                    CHECK(signal->type() == type);
                    CHECK(back.value() == signal.value());
                    CHECK(stored.find("999990019") == std::string::npos);
                    CHECK(stored.find("subject") == std::string::npos);
                    CHECK(parse_signal_type(to_string(type)) == type);
                }
                THEN("the stored envelope carries every field of the request's data, by the same names") {
                    const auto data = object->getObject("data");
                    const auto stored_data =
                        Poco::JSON::Parser().parse(stored).extract<Poco::JSON::Object::Ptr>()->getObject("data");
                    for (const auto& [key, value] : *data) {
                        INFO(key);
                        CHECK(stored_data->has(key));
                    }
                }
            }
        }
    }
}

SCENARIO("typed fields are read as their types", "[ingest][signal]") {
    const auto absence = signal_json::from_request(*schema_valid(requests().at(SignalType::absence_reported)));
    REQUIRE(absence.ok());
    const auto& a = std::get<AbsenceReported>(absence->data);
    CHECK(a.absence_kind == "ongeoorloofd");
    CHECK(a.from == *routeboek::parse_day("2026-11-16"));
    CHECK(a.to == routeboek::parse_day("2026-11-20"));
    CHECK(a.hours == 12.5);
    CHECK(absence->school->brin == "12AB");
    CHECK(absence->occurred_on() == routeboek::parse_day("2026-11-16"));

    const auto household = signal_json::from_request(*schema_valid(requests().at(SignalType::household_composition)));
    REQUIRE(household.ok());
    CHECK(std::get<HouseholdComposition>(household->data).members == 2);
    CHECK_FALSE(household->school);
}

SCENARIO("what a schema cannot say is refused once, at the edge", "[ingest][signal]") {
    const auto reversed =
        schema_valid(request("absence.reported", R"({"absence_kind":"ziekte","from":"2026-11-20","to":"2026-11-16"})"));
    const auto signal = signal_json::from_request(*reversed);
    REQUIRE_FALSE(signal.ok());
    CHECK(signal.problems().front().pointer == "/data/to");
}

SCENARIO("a damaged stored envelope is refused with a located problem", "[ingest][signal]") {
    CHECK_FALSE(signal_json::from_envelope("not json").ok());
    CHECK_FALSE(
        signal_json::from_envelope(R"({"type":"no.such","occurred_at":"2026-11-16T08:00:00Z","data":{}})").ok());
    const auto missing = signal_json::from_envelope(
        R"({"type":"person.moved","occurred_at":"2026-11-16T08:00:00Z","data":{"gemeentecode":"GM0518"}})");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.problems().front().pointer == "/data/date");
    const auto wrong = signal_json::from_envelope(
        R"({"type":"mdo.held","occurred_at":"2026-11-16T08:00:00Z","data":{"escalate":"yes"}})");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.problems().front().pointer == "/data/escalate");
}

// Hostile values through the real eenplan-service over HTTP: a 100 000-digit occurred_at (which
// killed the service through std::regex), and its siblings in every field of every signal type
// and of every inbound adapter's payload — huge strings and numbers, deep nesting, NUL, invalid
// UTF-8. Each answers 4xx problem+json, nothing is stored, and the service stays up. Store named
// by EENPLAN_TEST_STORE (ctest runs this file for SQLite and PostgreSQL).
#include <catch2/catch.hpp>

#include <sstream>
#include <variant>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "support/simulator_process.hpp"
#include "synthetic_people.hpp"
#include "validation/json_schema.hpp"

using namespace eenplan::testing;
using eenplan::integration::WebhookResponse;
using eenplan::integration::WebhookSender;

namespace {

constexpr const char* notification_auth = "Token 0f1e2d3c4b5a69788796a5b4c3d2e1f0";
constexpr const char* placeholder = "\"@@hostile@@\"";

// A value put in place of one leaf, as JSON text.
const std::vector<std::pair<std::string, std::string>>& hostile_values() {
    static const std::vector<std::pair<std::string, std::string>> values{
        {"100 000-digit string", "\"" + std::string(100000, '1') + "\""},
        {"100 000-digit number", std::string(100000, '9')},
        {"number beyond double", "1e999"},
        {"10 000 nested arrays", std::string(10000, '[') + std::string(10000, ']')},
        {"NUL in a string", "\"a\\u0000b\""},
        {"NUL byte", std::string("\"a\0b\"", 5)},
        {"invalid UTF-8", "\"\xff\xfe\xc0\xaf\""},
        {"wrong type", "{\"a\":[true,null]}"},
    };
    return values;
}

using Step = std::variant<std::string, std::size_t>;
using Path = std::vector<Step>;

void collect_leaves(const Poco::Dynamic::Var& value, Path& here, std::vector<Path>& out) {
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        for (const auto& [key, member] : *value.extract<Poco::JSON::Object::Ptr>()) {
            here.emplace_back(key);
            collect_leaves(member, here, out);
            here.pop_back();
        }
    } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto array = value.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            here.emplace_back(i);
            collect_leaves(array->get(static_cast<unsigned>(i)), here, out);
            here.pop_back();
        }
    } else {
        out.push_back(here);
    }
}

std::vector<Path> leaves(const std::string& json) {
    std::vector<Path> out;
    Path here;
    collect_leaves(Poco::JSON::Parser().parse(json), here, out);
    return out;
}

std::string describe(const Path& path) {
    std::string text;
    for (const Step& step : path) {
        text += "/" + (step.index() == 0 ? std::get<0>(step) : std::to_string(std::get<1>(step)));
    }
    return text;
}

// `json` with the leaf at `path` replaced by `replacement` (JSON text).
std::string replace_leaf(const std::string& json, const Path& path, const std::string& replacement) {
    const Poco::Dynamic::Var root = Poco::JSON::Parser().parse(json);
    Poco::Dynamic::Var node = root;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const bool last = i + 1 == path.size();
        if (path[i].index() == 0) {
            Poco::JSON::Object::Ptr object = node.extract<Poco::JSON::Object::Ptr>();
            if (last)
                object->set(std::get<0>(path[i]), std::string("@@hostile@@"));
            else
                node = object->get(std::get<0>(path[i]));
        } else {
            Poco::JSON::Array::Ptr array = node.extract<Poco::JSON::Array::Ptr>();
            const auto index = static_cast<unsigned>(std::get<1>(path[i]));
            if (last)
                array->set(index, std::string("@@hostile@@"));
            else
                node = array->get(index);
        }
    }
    std::ostringstream out;
    root.extract<Poco::JSON::Object::Ptr>()->stringify(out);
    std::string text = out.str();
    text.replace(text.find(placeholder), std::string_view(placeholder).size(), replacement);
    return text;
}

// Whole-body cases every endpoint must refuse.
std::vector<std::pair<std::string, std::string>> hostile_bodies(const std::string& valid) {
    return {
        {"a megabyte of brackets", std::string((1 << 20) - 16, '[')},
        {"truncated", valid.substr(0, valid.size() / 2)},
        {"empty", ""},
        {"a JSON array", "[" + valid + "]"},
        {"a bare huge number", std::string(100000, '7')},
        {"trailing garbage", valid + "\xff"},
    };
}

// A schema-valid signal of every type; each is first checked against the schema, so a refusal
// of its mutations is the mutation's doing.
std::vector<std::string> signals_of_every_type() {
    const std::string bsn = eenplan::simulators::synthetic_bsn(90);
    const std::string child = eenplan::simulators::synthetic_bsn(91);
    const std::string subject = R"("subject":{"bsn":")" + bsn +
                                R"(","attributes":{"family_name":"Jansen","given_names":"Piet",)"
                                R"("birth_date":"2014-03-02","postcode":"2511 AB"}})";
    const std::string school = R"("school":{"brin":"12AB","vestiging":"01","gemeentecode":"GM0518"})";
    auto signal = [&](const std::string& type, const std::string& data, bool with_school = true) {
        return R"({"type":")" + type + R"(","occurred_at":"2026-11-20T08:30:00+01:00",)" + subject + "," +
               (with_school ? school + "," : "") + R"("data":)" + data + "}";
    };
    return {
        signal("enrolment.started", R"({"start_date":"2026-08-24","sector":"po","leerjaar":5})"),
        signal("enrolment.ended", R"({"end_date":"2026-10-01","reason":"verhuizing"})"),
        signal("absence.reported",
               R"({"absence_kind":"ongeoorloofd","from":"2026-11-16","to":"2026-11-20","hours":12.5})"),
        signal("support.started", R"({"start_date":"2026-11-01","provider":"jeugdteam"})"),
        signal("person.moved", R"({"gemeentecode":"GM0603","date":"2026-11-01"})", false),
        signal("attendance.partial", R"({"from":"2026-09-01","to":"2026-11-01","approaches":2,"hours_per_week":10})"),
        signal("mdo.held",
               R"({"escalate":true,"outcome":"escalate","goals":["terug_naar_school"],"dissent":["sppoh"]})"),
        signal("case.registered", R"({"table":"adviestafel","registered_by":"sppoh"})", false),
        signal("table.outcome", R"({"table":"adviestafel","outcome":"advice","casusregisseur":"sppoh"})", false),
        signal("youthcare.started", R"({"start_date":"2026-11-01","form":"ambulant","provider":"jeugdteam"})", false),
        signal("youthcare.ended", R"({"end_date":"2026-12-01","reason":"completed"})", false),
        signal("concern.raised", R"({"raised_by":"smw","concern":"verzuim","disagrees_with_mdo":true})", false),
        signal("consent.given",
               R"({"reference":"t-1","purpose":"verzuim","categories":["task_type"],"valid_from":"2026-09-01",)"
               R"("given_by":["parent"],"age_band":"under_12"})",
               false),
        signal("consent.withdrawn", R"({"reference":"t-1"})", false),
        R"({"type":"household.composition","occurred_at":"2026-11-20T08:30:00Z","data":{"gemeentecode":"GM0518",)"
        R"("members":[{"role":"parent","subject":{"bsn":")" +
            bsn + R"("}},{"role":"child","subject":{"bsn":")" + child + R"("}}]}})",
    };
}

struct HostileHub {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service{store, dir.path(), options()};
    mutable int sent = 0;

    static ServiceOptions options() {
        ServiceOptions o;
        // The Zaken API is a closed loopback port: no case here may make the hub fetch anything.
        o.source_extra =
            "    school: {brin: 12AB, gemeentecode: GM0518}\n"
            "    notifications:\n"
            "      authorization: \"" +
            std::string(notification_auth) +
            "\"\n"
            "      zaken_api: http://127.0.0.1:9/zaken/api/v1\n"
            "      client_id: eenplan\n      secret: zgw-secret-of-at-least-32-characters-long\n"
            "      zaaktypes: [{zaaktype: \"http://127.0.0.1:9/catalogi/api/v1/zaaktypen/jeugdhulp\", provider: "
            "jeugdteam}]\n";
        return o;
    }

    WebhookResponse post(const std::string& path, const std::string& body) const {
        WebhookSender sender({service.base_url() + path, std::nullopt, std::chrono::seconds(30)});
        return sender.post("hostile_" + std::to_string(++sent), Poco::Timestamp().epochTime(), body,
                           school_a().secret_bytes());
    }

    WebhookResponse notify(const std::string& body) const {
        const HttpAnswer a = http_call(service.port(), "POST", "/v1/sources/school-a/zgw-notifications", body,
                                       {{"Authorization", notification_auth}, {"Content-Type", "application/json"}});
        return {a.status, a.content_type, a.body, {}};
    }

    // 4xx problem+json (or, for a notification the hub does not follow, 204), nothing stored, alive.
    void require_refused(const WebhookResponse& r, bool may_ignore = false) const {
        INFO("status " << r.status << ": " << r.body.substr(0, 300));
        if (may_ignore && r.status == 204) {
            CHECK(r.body.empty());
        } else {
            CHECK(r.status >= 400);
            CHECK(r.status < 500);
            CHECK(r.content_type == "application/problem+json");
        }
        REQUIRE(service.get("/healthz").status == 200);
    }
};

}  // namespace

SCENARIO_METHOD(HostileHub, "the 100 000-digit occurred_at is refused and the service stays up", "[security][ingest]") {
    const std::string signal = signals_of_every_type()[2];
    WHEN("it is longer than any string the bounds pre-pass lets through") {
        const auto r = post("/v1/sources/school-a/signals",
                            replace_leaf(signal, {std::string("occurred_at")}, "\"" + std::string(100000, '1') + "\""));
        INFO(r.body);
        CHECK(r.status == 400);
        CHECK(r.content_type == "application/problem+json");
        CHECK(r.body.find("11111111") == std::string::npos);
    }
    WHEN("it is short enough for the pre-pass, so the schema's date-time check meets it") {
        const auto r = post("/v1/sources/school-a/signals",
                            replace_leaf(signal, {std::string("occurred_at")}, "\"" + std::string(16000, '1') + "\""));
        INFO(r.body);
        CHECK(r.status == 422);
        CHECK(r.content_type == "application/problem+json");
        CHECK(r.body.find("/occurred_at") != std::string::npos);
        CHECK(r.body.find("11111111") == std::string::npos);
    }
    CHECK(service.get("/healthz").status == 200);
    CHECK(store.count("signals") == 0);
    THEN("the same signal with a real date-time is stored, so the refusal was the value's") {
        CHECK(post("/v1/sources/school-a/signals", signal).status == 202);
        CHECK(store.count("signals") == 1);
    }
}

SCENARIO_METHOD(HostileHub, "hostile values in every field of every signal type are refused", "[security][ingest]") {
    const auto& schema = eenplan::service::JsonSchema::embedded("signals/signal.schema.json");
    int cases = 0;
    for (const std::string& signal : signals_of_every_type()) {
        INFO(signal);
        REQUIRE(schema.validate(Poco::JSON::Parser().parse(signal)).empty());
        for (const Path& leaf : leaves(signal)) {
            for (const auto& [name, value] : hostile_values()) {
                INFO(describe(leaf) << " <- " << name);
                require_refused(post("/v1/sources/school-a/signals", replace_leaf(signal, leaf, value)));
                ++cases;
            }
        }
        for (const auto& [name, body] : hostile_bodies(signal)) {
            INFO(name);
            require_refused(post("/v1/sources/school-a/signals", body));
            ++cases;
        }
    }
    CHECK(store.count("signals") == 0);
    WARN(cases << " hostile signals refused");
}

SCENARIO_METHOD(HostileHub, "hostile values in every field of every inbound adapter are refused",
                "[security][ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(92);
    const std::vector<std::pair<std::string, std::string>> payloads{
        {"/v1/sources/school-a/las/parnassys",
         R"({"registratieId":"PS-1","geregistreerdOp":"2026-11-20T08:30:00+01:00","school":{"brinnummer":"12AB"},"leerling":{"bsn":")" +
             bsn +
             R"(","leerlingnummer":"4711"},"verzuim":{"soort":"Ongeoorloofd verzuim","datumVan":"16-11-2026","datumTot":"20-11-2026","aantalUren":12.5}})"},
        {"/v1/sources/school-a/las/magister",
         R"({"Id":98765,"Tijdstip":"2026-11-20T08:30:00Z","School":{"Brin":"12AB"},"Leerling":{"Stamnummer":"1234","Bsn":")" +
             bsn +
             R"("},"Absentie":{"Begin":"2026-11-16T08:30:00","Einde":"2026-11-20T15:00:00","Geoorloofd":false,"Reden":{"Code":"O","Omschrijving":"Afwezig"},"Lesuren":12}})"},
        {"/v1/sources/school-a/las/somtoday",
         R"({"id":555,"aangemaaktOp":"2026-11-20T08:30:00.000+01:00","vestiging":{"brinVestigingsnummer":"12AB00"},"leerling":{"leerlingnummer":123,"bsn":")" +
             bsn +
             R"("},"absentieReden":{"afkorting":"ZK","omschrijving":"Ziek","geoorloofd":true},"beginDatumTijd":"2026-11-16T08:30:00.000+01:00","lesuren":10})"},
        {"/v1/sources/school-a/brp",
         R"({"mutatie":"verhuizing","tijdstip":"2026-11-02T10:00:00Z","burgerservicenummer":")" + bsn +
             R"(","gemeenteVanInschrijving":{"code":"0603"},"datumAanvangAdreshouding":"2026-11-01"})"},
    };
    int cases = 0;
    long long accepted = 0;
    for (const auto& [path, payload] : payloads) {
        INFO(path);
        for (const Path& leaf : leaves(payload)) {
            for (const auto& [name, value] : hostile_values()) {
                INFO(describe(leaf) << " <- " << name);
                const auto r = post(path, replace_leaf(payload, leaf, value));
                // A mapper may drop a field it does not need (an id, a count): then the payload
                // is still a valid signal. Every other answer is a refusal.
                if (r.status == 202) {
                    CHECK(name == "wrong type");
                    ++accepted;
                    continue;
                }
                require_refused(r);
                ++cases;
            }
        }
        for (const auto& [name, body] : hostile_bodies(payload)) {
            INFO(name);
            require_refused(post(path, body));
            ++cases;
        }
    }
    // A notification whose rol lies outside the configured Zaken API is refused before any fetch.
    const std::string notification =
        R"({"kanaal":"zaken","hoofdObject":"http://127.0.0.1:9/zaken/api/v1/zaken/1","resource":"rol",)"
        R"("resourceUrl":"https://elsewhere.example/zaken/api/v1/rollen/1","actie":"create","aanmaakdatum":"2026-11-23T10:00:00Z",)"
        R"("kenmerken":{"zaaktype":"http://127.0.0.1:9/catalogi/api/v1/zaaktypen/jeugdhulp"}})";
    require_refused(notify(notification));
    for (const Path& leaf : leaves(notification)) {
        for (const auto& [name, value] : hostile_values()) {
            INFO("notification " << describe(leaf) << " <- " << name);
            require_refused(notify(replace_leaf(notification, leaf, value)), true);
            ++cases;
        }
    }
    for (const auto& [name, body] : hostile_bodies(notification)) {
        INFO("notification " << name);
        require_refused(notify(body));
        ++cases;
    }
    CHECK(store.count("signals") == accepted);  // only the "wrong type" ones a mapper ignored
    WARN(cases << " hostile adapter payloads refused");
}

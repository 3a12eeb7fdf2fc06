// The inbound adapters through the real eenplan-service: LAS payloads of ParnasSys, Magister and
// Somtoday, a BRP-like move, and a ZGW notification sent by the Zaken API simulator, each ending
// as a pseudonymised signal through the one ingest pipeline. Store named by EENPLAN_TEST_STORE.
#include <catch2/catch.hpp>

#include <set>

#include "delivery_fixture.hpp"
#include "support/stored_payloads.hpp"

using namespace eenplan::testing;

namespace {

constexpr const char* notification_auth = "Token 0f1e2d3c4b5a69788796a5b4c3d2e1f0";

struct InboundHub {
    TempDir dir;
    TestStore store{dir.path()};
    SimulatorProcess zgw{EENPLAN_ZGW_SIM, {"--secret", zgw_secret, "--client-id", "eenplan"}};
    ServiceProcess service{store, dir.path(), options()};

    ServiceOptions options() const {
        ServiceOptions o;
        o.source_extra =
            "    school: {brin: 12AB, gemeentecode: GM0518}\n"
            "    notifications:\n"
            "      authorization: \"" +
            std::string(notification_auth) +
            "\"\n"
            "      zaken_api: " +
            zgw.url("/zaken/api/v1") +
            "\n"
            "      client_id: eenplan\n      secret: " +
            zgw_secret +
            "\n"
            "      zaaktypes: [{zaaktype: \"" +
            zaaktype() + "\", provider: jeugdteam}]\n";
        return o;
    }
    std::string zaaktype() const { return zgw.url("/catalogi/api/v1/zaaktypen/jeugdhulp"); }

    eenplan::integration::WebhookResponse post(const std::string& path, const std::string& id,
                                               const std::string& body) const {
        eenplan::integration::WebhookSender sender({service.base_url() + path, std::nullopt, std::chrono::seconds(10)});
        return sender.post(id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes());
    }

    std::string stored(const std::string& column, const std::string& webhook_id) const {
        auto sql = store.session();
        std::string value;
        *sql << "SELECT " + column + " FROM signals WHERE webhook_id = :w", soci::use(webhook_id), soci::into(value);
        if (column != "envelope" || value.empty()) return value;
        // The envelope is stored under a payload key (docs/retention.md): what it holds, opened.
        std::string signal_id;
        *sql << "SELECT signal_id FROM signals WHERE webhook_id = :w", soci::use(webhook_id), soci::into(signal_id);
        return StoredPayloads(service.config_file()).must_open(*sql, "signals", signal_id, "envelope", value);
    }

    HttpAnswer zgw_post(const std::string& path, const std::string& body) const {
        return http_call(zgw.port(), "POST", path, body,
                         {{"Authorization", "Bearer " + eenplan::integration::zgw_token("eenplan", zgw_secret,
                                                                                        Poco::Timestamp().epochTime())},
                          {"Content-Crs", "EPSG:4326"}});
    }
};

}  // namespace

SCENARIO_METHOD(InboundHub, "LAS payloads of three vendors become the same pseudonymised signal", "[ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(30);
    const std::vector<std::pair<std::string, std::string>> payloads{
        {"parnassys",
         R"({"registratieId":"PS-1","geregistreerdOp":"2026-11-20T08:30:00+01:00","school":{"brinnummer":"12AB"},
           "leerling":{"bsn":")" +
             bsn + R"(","leerlingnummer":"4711"},
           "verzuim":{"soort":"Ongeoorloofd verzuim","datumVan":"16-11-2026","datumTot":"20-11-2026","aantalUren":12.5}})"},
        {"magister",
         R"({"Id":98765,"Tijdstip":"2026-11-20T08:30:00Z","School":{"Brin":"12AB"},"Leerling":{"Stamnummer":"1234","Bsn":")" +
             bsn +
             R"("},"Absentie":{"Begin":"2026-11-16T08:30:00","Einde":"2026-11-20T15:00:00","Geoorloofd":false,"Reden":{"Code":"O","Omschrijving":"Afwezig"},"Lesuren":12}})"},
        {"somtoday",
         R"({"id":555,"aangemaaktOp":"2026-11-20T08:30:00.000+01:00","vestiging":{"brinVestigingsnummer":"12AB00"},
           "leerling":{"leerlingnummer":123,"bsn":")" +
             bsn + R"("},"absentieReden":{"afkorting":"ZK","omschrijving":"Ziek","geoorloofd":true},
           "beginDatumTijd":"2026-11-16T08:30:00.000+01:00","lesuren":10})"}};
    std::set<std::string> pseudonyms;
    for (const auto& [vendor, body] : payloads) {
        INFO(vendor);
        const auto r = post("/v1/sources/school-a/las/" + vendor, "las_" + vendor, body);
        INFO(r.body);
        REQUIRE(r.status == 202);
        CHECK(stored("type", "las_" + vendor) == "absence.reported");
        pseudonyms.insert(stored("subject_pseudonym", "las_" + vendor));
        const std::string envelope = stored("envelope", "las_" + vendor);
        CHECK(envelope.find(bsn) == std::string::npos);
        CHECK(envelope.find("4711") == std::string::npos);
        CHECK(post("/v1/sources/school-a/las/" + vendor, "las_" + vendor, body).status == 200);  // a repeat
    }
    CHECK(pseudonyms.size() == 1);
    CHECK(store.count("signals") == 3);
    CHECK(stored("envelope", "las_somtoday").find("ziekte") != std::string::npos);

    THEN("what cannot be authenticated or mapped is refused") {
        eenplan::integration::WebhookSender wrong(
            {service.base_url() + "/v1/sources/school-a/las/magister", std::nullopt, std::chrono::seconds(10)});
        CHECK(wrong.post("x1", Poco::Timestamp().epochTime(), payloads[1].second, school_b().secret_bytes()).status ==
              401);
        // Authentication comes before everything else: a wrong signature is refused even when the
        // payload could not be mapped, and a stored webhook-id does not answer 200 with its ids.
        CHECK(wrong
                  .post("x5", Poco::Timestamp().epochTime(), R"({"Leerling":{"Stamnummer":"1"}})",
                        school_b().secret_bytes())
                  .status == 401);
        const auto replayed =
            wrong.post("las_magister", Poco::Timestamp().epochTime(), payloads[1].second, school_b().secret_bytes());
        CHECK(replayed.status == 401);
        CHECK(replayed.body.find("signal_id") == std::string::npos);
        CHECK(post("/v1/sources/school-a/las/esis", "x2", payloads[1].second).status == 404);
        const auto unmappable = post("/v1/sources/school-a/las/magister", "x3", R"({"Leerling":{"Stamnummer":"1"}})");
        CHECK(unmappable.status == 422);
        CHECK(unmappable.body.find("/Leerling") != std::string::npos);
        const auto failing_11_proef =
            post("/v1/sources/school-a/las/parnassys", "x4",
                 R"({"leerling":{"bsn":"123456789"},"verzuim":{"soort":"Ziek","datumVan":"2026-11-16"}})");
        CHECK(failing_11_proef.status == 422);
        CHECK(failing_11_proef.body.find("123456789") == std::string::npos);
        CHECK(store.count("signals") == 3);
    }
}

SCENARIO_METHOD(InboundHub, "a BRP move becomes person.moved", "[ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(31);
    const auto r = post("/v1/sources/school-a/brp", "brp_1",
                        R"({"mutatie":"verhuizing","tijdstip":"2026-11-02T10:00:00Z","burgerservicenummer":")" + bsn +
                            R"(","gemeenteVanInschrijving":{"code":"0603"},"datumAanvangAdreshouding":"2026-11-01"})");
    INFO(r.body);
    REQUIRE(r.status == 202);
    CHECK(stored("type", "brp_1") == "person.moved");
    CHECK(stored("envelope", "brp_1").find("GM0603") != std::string::npos);
}

SCENARIO_METHOD(InboundHub, "a youth-care zaak's notification becomes youthcare.started for the child", "[ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(32);
    REQUIRE(http_call(zgw.port(), "POST", "/_control",
                      R"({"notify_url":")" + service.base_url() +
                          R"(/v1/sources/school-b/zgw-notifications","notify_auth":")" + notification_auth + R"("})")
                .status == 200);
    // The same child reported by its school, to check the notification lands on the same pupil.
    REQUIRE(post("/v1/sources/school-a/las/parnassys", "las_child",
                 R"({"school":{"brinnummer":"12AB"},"leerling":{"bsn":")" + bsn +
                     R"("},"verzuim":{"soort":"Ongeoorloofd","datumVan":"2026-11-16"}})")
                .status == 202);

    const auto zaak = zgw_post("/zaken/api/v1/zaken",
                               R"({"bronorganisatie":"001234565","zaaktype":")" + zaaktype() +
                                   R"(","verantwoordelijkeOrganisatie":"001234565","startdatum":"2026-11-23"})");
    REQUIRE(zaak.status == 201);
    const std::string zaak_url = parse_object(zaak.body)->getValue<std::string>("url");
    const auto rol =
        zgw_post("/zaken/api/v1/rollen",
                 R"({"zaak":")" + zaak_url + R"(","betrokkeneType":"natuurlijk_persoon","roltype":")" +
                     zgw.url("/catalogi/api/v1/roltypen/kind") +
                     R"(","roltoelichting":"jeugdige","betrokkeneIdentificatie":{"inpBsn":")" + bsn + R"("}})");
    REQUIRE(rol.status == 201);
    const std::string rol_url = parse_object(rol.body)->getValue<std::string>("url");

    REQUIRE(eventually([&] { return store.count("signals") == 2; }, 30));
    const std::string id = "zgw:create:" + rol_url;
    CHECK(stored("type", id) == "youthcare.started");
    CHECK(stored("subject_pseudonym", id) == stored("subject_pseudonym", "las_child"));
    CHECK(stored("envelope", id).find("jeugdteam") != std::string::npos);

    THEN("a wrong Authorization is refused and other notifications are acknowledged and ignored") {
        const std::string other = R"({"kanaal":"zaken","hoofdObject":")" + zaak_url +
                                  R"(","resource":"status","resourceUrl":")" + zaak_url +
                                  R"(","actie":"create","aanmaakdatum":"2026-11-23T10:00:00Z","kenmerken":{}})";
        CHECK(http_call(service.port(), "POST", "/v1/sources/school-b/zgw-notifications", other,
                        {{"Authorization", "Token wrong-wrong-wrong-wrong-wrong!!"}})
                  .status == 401);
        CHECK(http_call(service.port(), "POST", "/v1/sources/school-b/zgw-notifications", other,
                        {{"Authorization", notification_auth}})
                  .status == 204);
        CHECK(store.count("signals") == 2);
    }

    THEN("a rol URL outside the configured Zaken API is refused before anything is fetched") {
        const std::string api = zgw.url("/zaken/api/v1");
        const std::string host_port = api.substr(0, api.find("/zaken"));  // http://127.0.0.1:<port>
        const std::string port = host_port.substr(host_port.rfind(':'));
        for (const std::string& url : {"http://127.0.0.1.evil.tld" + port + "/zaken/api/v1/rollen/1",
                                       "http://evil@" + host_port.substr(7) + "/zaken/api/v1/rollen/1",
                                       api + "/../../_control", api + "/rollen/1?x=1\\r\\nHost: evil"}) {
            INFO(url);
            const std::string refused =
                R"({"kanaal":"zaken","hoofdObject":")" + zaak_url + R"(","resource":"rol","resourceUrl":")" + url +
                R"(","actie":"create","aanmaakdatum":"2026-11-23T10:00:00Z","kenmerken":{"zaaktype":")" + zaaktype() +
                R"("}})";
            const auto answer = http_call(service.port(), "POST", "/v1/sources/school-b/zgw-notifications", refused,
                                          {{"Authorization", notification_auth}});
            CHECK(answer.status == 422);
            CHECK(answer.body.find("/resourceUrl") != std::string::npos);
            CHECK(answer.body.find("evil") == std::string::npos);
        }
        CHECK(store.count("signals") == 2);
    }
}

SCENARIO_METHOD(InboundHub, "a ZGW notification is stored and answered before its rol is read, and survives a crash",
                "[ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(33);
    // No abonnement registered: the test sends the notification itself, at the moment it chooses.
    const auto zaak = zgw_post("/zaken/api/v1/zaken",
                               R"({"bronorganisatie":"001234565","zaaktype":")" + zaaktype() +
                                   R"(","verantwoordelijkeOrganisatie":"001234565","startdatum":"2026-11-24"})");
    REQUIRE(zaak.status == 201);
    const std::string zaak_url = parse_object(zaak.body)->getValue<std::string>("url");
    const auto rol =
        zgw_post("/zaken/api/v1/rollen",
                 R"({"zaak":")" + zaak_url + R"(","betrokkeneType":"natuurlijk_persoon","roltype":")" +
                     zgw.url("/catalogi/api/v1/roltypen/kind") +
                     R"(","roltoelichting":"jeugdige","betrokkeneIdentificatie":{"inpBsn":")" + bsn + R"("}})");
    REQUIRE(rol.status == 201);
    const std::string rol_url = parse_object(rol.body)->getValue<std::string>("url");
    const std::string notification =
        R"({"kanaal":"zaken","hoofdObject":")" + zaak_url + R"(","resource":"rol","resourceUrl":")" + rol_url +
        R"(","actie":"create","aanmaakdatum":"2026-11-24T10:00:00Z","kenmerken":{"zaaktype":")" + zaaktype() + R"("}})";
    auto attempts = [&] {
        auto sql = store.session();
        int n = 0;
        *sql << "SELECT attempts FROM inbound_notifications", soci::into(n);
        return n;
    };
    auto state = [&] {
        auto sql = store.session();
        std::string s;
        *sql << "SELECT state FROM inbound_notifications", soci::into(s);
        return s;
    };

    GIVEN("a Zaken API that answers every lookup with 503") {
        REQUIRE(http_call(zgw.port(), "POST", "/_control", R"({"fail_count":1000000,"status":503})").status == 200);

        WHEN("the Notificaties API calls") {
            const auto answer = http_call(service.port(), "POST", "/v1/sources/school-b/zgw-notifications",
                                          notification, {{"Authorization", notification_auth}});
            THEN("the hub answers 202 at once with the stored notification's id, and a repeat 200 with the same id") {
                INFO(answer.body);
                REQUIRE(answer.status == 202);
                const std::string id = parse_object(answer.body)->getValue<std::string>("notification_id");
                const auto repeat = http_call(service.port(), "POST", "/v1/sources/school-b/zgw-notifications",
                                              notification, {{"Authorization", notification_auth}});
                CHECK(repeat.status == 200);
                CHECK(parse_object(repeat.body)->getValue<std::string>("notification_id") == id);
                CHECK(store.count("inbound_notifications") == 1);
                // The notification keeps the rol's URL and date, never the child's number.
                auto sql = store.session();
                std::string url, provider;
                *sql << "SELECT resource_url, provider FROM inbound_notifications", soci::into(url),
                    soci::into(provider);
                CHECK(url == rol_url);
                CHECK(provider == "jeugdteam");
            }
            AND_WHEN("the worker has tried, the process is killed, and the Zaken API recovers before the restart") {
                REQUIRE(answer.status == 202);
                REQUIRE(eventually([&] { return attempts() >= 1; }, 30));
                CHECK(state() == "pending");
                CHECK(store.count("signals") == 0);
                CHECK(
                    eventually([&] { return service.log_text().find("notification.retry") != std::string::npos; }, 10));
                service.kill_hard();
                REQUIRE(http_call(zgw.port(), "POST", "/_control", R"({"fail_count":0})").status == 200);
                service.start();
                THEN("the restarted worker reads the rol and stores youthcare.started once") {
                    REQUIRE(eventually([&] { return state() == "done"; }, 60));
                    const std::string id = "zgw:create:" + rol_url;
                    CHECK(stored("type", id) == "youthcare.started");
                    CHECK(store.count("signals") == 1);
                    CHECK(stored("envelope", id).find(bsn) == std::string::npos);
                }
            }
        }
    }
}

SCENARIO_METHOD(InboundHub, "a slow Zaken API does not hold the notification's answer", "[ingest]") {
    const std::string bsn = eenplan::simulators::synthetic_bsn(34);
    const auto zaak = zgw_post("/zaken/api/v1/zaken",
                               R"({"bronorganisatie":"001234565","zaaktype":")" + zaaktype() +
                                   R"(","verantwoordelijkeOrganisatie":"001234565","startdatum":"2026-11-25"})");
    REQUIRE(zaak.status == 201);
    const std::string zaak_url = parse_object(zaak.body)->getValue<std::string>("url");
    const auto rol =
        zgw_post("/zaken/api/v1/rollen",
                 R"({"zaak":")" + zaak_url + R"(","betrokkeneType":"natuurlijk_persoon","roltype":")" +
                     zgw.url("/catalogi/api/v1/roltypen/kind") +
                     R"(","roltoelichting":"jeugdige","betrokkeneIdentificatie":{"inpBsn":")" + bsn + R"("}})");
    REQUIRE(rol.status == 201);
    const std::string rol_url = parse_object(rol.body)->getValue<std::string>("url");
    // Every Zaken API call from now on is answered 3 s late (within the lookup's 5 s deadline).
    REQUIRE(http_call(zgw.port(), "POST", "/_control", R"({"delay_ms":3000})").status == 200);
    const std::string notification =
        R"({"kanaal":"zaken","hoofdObject":")" + zaak_url + R"(","resource":"rol","resourceUrl":")" + rol_url +
        R"(","actie":"create","aanmaakdatum":"2026-11-25T10:00:00Z","kenmerken":{"zaaktype":")" + zaaktype() + R"("}})";
    const auto started = std::chrono::steady_clock::now();
    const auto answer = http_call(service.port(), "POST", "/v1/sources/school-b/zgw-notifications", notification,
                                  {{"Authorization", notification_auth}});
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(answer.status == 202);
    CHECK(waited < std::chrono::milliseconds(1500));
    CHECK(store.count("signals") == 0);
    REQUIRE(eventually([&] { return store.count("signals") == 1; }, 30));
    CHECK(stored("type", "zgw:create:" + rol_url) == "youthcare.started");
}

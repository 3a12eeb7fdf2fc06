// ParnasSys verzuimregistratie -> absence.reported.
#include "inbound/las_parnassys.hpp"
#include "inbound_test_support.hpp"

using namespace eenplan::inbound;

namespace {
const SchoolDefaults school{"12AB", "GM0518"};
const std::string payload = R"({"registratieId":"PS-2026-000123","geregistreerdOp":"2026-11-20T08:30:00+01:00",
  "school":{"brinnummer":"34CD","vestigingsnummer":"00"},
  "leerling":{"bsn":"999990019","leerlingnummer":"4711"},
  "verzuim":{"soort":"Ongeoorloofd verzuim","datumVan":"16-11-2026","datumTot":"20-11-2026","aantalUren":12.5}})";
}  // namespace

SCENARIO("a ParnasSys absence becomes a canonical absence.reported", "[ingest]") {
    const auto mapped = map_parnassys(payload, school, "2026-11-20T09:00:00Z");
    REQUIRE(mapped.ok());
    const auto signal = valid_signal(mapped.value());
    CHECK(signal->getValue<std::string>("type") == "absence.reported");
    CHECK(signal->getValue<std::string>("occurred_at") == "2026-11-20T08:30:00+01:00");
    CHECK(signal->getObject("subject")->getValue<std::string>("bsn") == "999990019");
    CHECK(signal->getObject("school")->getValue<std::string>("brin") == "34CD");
    CHECK(signal->getObject("school")->getValue<std::string>("gemeentecode") == "GM0518");
    const auto data = signal->getObject("data");
    CHECK(data->getValue<std::string>("absence_kind") == "ongeoorloofd");
    CHECK(data->getValue<std::string>("from") == "2026-11-16");
    CHECK(data->getValue<std::string>("to") == "2026-11-20");
    CHECK(data->getValue<double>("hours") == 12.5);
    CHECK(json_text(mapped.value()).find("4711") == std::string::npos);  // the school's own number stays behind
}

SCENARIO("a ParnasSys payload that cannot be mapped says where, without its values", "[ingest]") {
    const auto mapped =
        map_parnassys(R"({"leerling":{"leerlingnummer":"4711"},"verzuim":{"soort":"Te laat","datumVan":"gisteren"}})",
                      SchoolDefaults{}, "2026-11-20T09:00:00Z");
    REQUIRE_FALSE(mapped.ok());
    CHECK(pointers(mapped.problems()) == std::vector<std::string>{"/leerling", "/school/brinnummer",
                                                                  "/school/brinnummer", "/verzuim/datumVan",
                                                                  "/verzuim/soort"});
    for (const auto& p : mapped.problems()) CHECK(p.detail.find("gisteren") == std::string::npos);
    CHECK_FALSE(map_parnassys("not json", school, "x").ok());
}

SCENARIO("a ParnasSys in- and uitschrijving become enrolment.started and enrolment.ended", "[ingest][registration]") {
    const auto in = map_parnassys(R"({"geregistreerdOp":"2026-08-24T08:00:00+02:00","school":{"brinnummer":"12AB"},
      "leerling":{"bsn":"999990019","leerlingnummer":"4711"},
      "inschrijving":{"datumInschrijving":"24-08-2026","onderwijssoort":"Primair onderwijs","groep":"5"}})",
                                  school, "2026-11-20T09:00:00Z");
    REQUIRE(in.ok());
    const auto started = valid_signal(in.value());
    CHECK(started->getValue<std::string>("type") == "enrolment.started");
    CHECK(started->getObject("data")->getValue<std::string>("start_date") == "2026-08-24");
    CHECK(started->getObject("data")->getValue<std::string>("sector") == "po");
    CHECK(json_text(in.value()).find("4711") == std::string::npos);

    const auto out = map_parnassys(R"({"school":{"brinnummer":"12AB"},"leerling":{"bsn":"999990019"},
      "uitschrijving":{"datumUitschrijving":"09-10-2026","redenUitschrijving":"Verhuizing naar het buitenland"}})",
                                   school, "2026-10-09T09:00:00Z");
    REQUIRE(out.ok());
    const auto ended = valid_signal(out.value());
    CHECK(ended->getValue<std::string>("type") == "enrolment.ended");
    CHECK(ended->getObject("data")->getValue<std::string>("end_date") == "2026-10-09");
    CHECK(ended->getObject("data")->getValue<std::string>("reason") == "verhuizing");

    const auto bad = map_parnassys(R"({"leerling":{"bsn":"999990019"},"uitschrijving":{"datumUitschrijving":"ooit"}})",
                                   school, "2026-10-09T09:00:00Z");
    REQUIRE_FALSE(bad.ok());
    CHECK(pointers(bad.problems()) == std::vector<std::string>{"/uitschrijving/datumUitschrijving"});
}

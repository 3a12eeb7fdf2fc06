// Somtoday absentiemelding -> absence.reported.
#include "inbound/las_somtoday.hpp"
#include "inbound_test_support.hpp"

using namespace eenplan::inbound;

SCENARIO("a Somtoday absence becomes a canonical absence.reported", "[ingest]") {
    const std::string payload = R"({"id":555,"aangemaaktOp":"2026-11-20T08:30:00.000+01:00",
      "vestiging":{"brinVestigingsnummer":"56EF01"},"leerling":{"leerlingnummer":123,"bsn":"999990019"},
      "absentieReden":{"afkorting":"VL","omschrijving":"Verlof","geoorloofd":true},
      "beginDatumTijd":"2026-11-16T08:30:00.000+01:00","eindDatumTijd":"2026-11-18T15:00:00.000+01:00","lesuren":10})";
    const auto mapped = map_somtoday(payload, {std::nullopt, "GM1916"}, "2026-11-20T09:00:00Z");
    REQUIRE(mapped.ok());
    const auto signal = valid_signal(mapped.value());
    CHECK(signal->getObject("school")->getValue<std::string>("brin") == "56EF");  // branch number dropped
    CHECK(signal->getObject("subject")->getValue<std::string>("bsn") == "999990019");
    const auto data = signal->getObject("data");
    CHECK(data->getValue<std::string>("absence_kind") == "geoorloofd");
    CHECK(data->getValue<std::string>("from") == "2026-11-16");
    CHECK(data->getValue<std::string>("to") == "2026-11-18");
    CHECK(data->getValue<double>("hours") == 10);
}

SCENARIO("a Somtoday reason this mapping does not know is refused", "[ingest]") {
    const auto m = map_somtoday(R"({"vestiging":{"brinVestigingsnummer":"56EF01"},"leerling":{"bsn":"999990019"},
      "absentieReden":{"afkorting":"TL","omschrijving":"Te laat"},"beginDatumTijd":"2026-11-16T08:30:00Z"})",
                                {std::nullopt, "GM1916"}, "2026-11-20T09:00:00Z");
    REQUIRE_FALSE(m.ok());
    CHECK(pointers(m.problems()) == std::vector<std::string>{"/absentieReden"});
}

SCENARIO("a Somtoday plaatsing and its end become enrolment signals", "[ingest][registration]") {
    const auto in = map_somtoday(R"({"vestiging":{"brinVestigingsnummer":"56EF01"},"leerling":{"bsn":"999990019"},
      "plaatsing":{"datumVan":"2026-08-31","onderwijssoort":"HAVO"}})",
                                 {std::nullopt, "GM1916"}, "2026-08-31T09:00:00Z");
    REQUIRE(in.ok());
    const auto started = valid_signal(in.value());
    CHECK(started->getValue<std::string>("type") == "enrolment.started");
    CHECK(started->getObject("data")->getValue<std::string>("sector") == "vo");
    const auto out = map_somtoday(R"({"vestiging":{"brinVestigingsnummer":"56EF01"},"leerling":{"bsn":"999990019"},
      "plaatsing":{"datumVan":"2026-08-31","datumTot":"2026-12-18","redenUitschrijving":"Overstap naar andere school"}})",
                                  {std::nullopt, "GM1916"}, "2026-12-18T09:00:00Z");
    REQUIRE(out.ok());
    const auto ended = valid_signal(out.value());
    CHECK(ended->getValue<std::string>("type") == "enrolment.ended");
    CHECK(ended->getObject("data")->getValue<std::string>("end_date") == "2026-12-18");
    CHECK(ended->getObject("data")->getValue<std::string>("reason") == "schoolwissel");
}

// Magister Absentie -> absence.reported.
#include "inbound/las_magister.hpp"
#include "inbound_test_support.hpp"

using namespace eenplan::inbound;

SCENARIO("a Magister absence becomes a canonical absence.reported", "[ingest]") {
    const std::string payload = R"({"Id":98765,"Tijdstip":"2026-11-20T08:30:00Z","School":{"Brin":"12AB"},
      "Leerling":{"Stamnummer":"1234","Onderwijsnummer":"101010108"},
      "Absentie":{"Begin":"2026-11-16T08:30:00","Einde":"2026-11-16T15:00:00","Geoorloofd":true,
                  "Reden":{"Code":"Z","Omschrijving":"Ziek gemeld"},"Lesuren":6}})";
    const auto mapped = map_magister(payload, {std::nullopt, "GM0603"}, "2026-11-20T09:00:00Z");
    REQUIRE(mapped.ok());
    const auto signal = valid_signal(mapped.value());
    CHECK(signal->getObject("subject")->getValue<std::string>("onderwijsnummer") == "101010108");
    CHECK(signal->getObject("school")->getValue<std::string>("gemeentecode") == "GM0603");
    const auto data = signal->getObject("data");
    CHECK(data->getValue<std::string>("absence_kind") == "ziekte");  // the reason wins over the flag
    CHECK(data->getValue<std::string>("from") == "2026-11-16");
    CHECK(data->getValue<std::string>("to") == "2026-11-16");
    CHECK(data->getValue<double>("hours") == 6);
    CHECK(json_text(mapped.value()).find("1234") == std::string::npos);

    THEN("an unexplained absence flagged not authorised is ongeoorloofd") {
        const std::string unexplained = R"({"School":{"Brin":"12AB"},"Leerling":{"Bsn":"999990019"},
          "Absentie":{"Begin":"2026-11-16T08:30:00","Geoorloofd":false,"Reden":{"Code":"O","Omschrijving":"Afwezig"}}})";
        const auto m = map_magister(unexplained, {std::nullopt, "GM0603"}, "2026-11-20T09:00:00Z");
        REQUIRE(m.ok());
        const auto s = valid_signal(m.value());
        CHECK(s->getValue<std::string>("occurred_at") == "2026-11-20T09:00:00Z");  // no Tijdstip: when received
        CHECK(s->getObject("data")->getValue<std::string>("absence_kind") == "ongeoorloofd");
    }
}

SCENARIO("a Magister payload without a pupil is refused", "[ingest]") {
    const auto m = map_magister(
        R"({"School":{"Brin":"12AB"},"Leerling":{"Stamnummer":"1"},"Absentie":{"Begin":"2026-11-16","Geoorloofd":true}})",
        {std::nullopt, "GM0603"}, "2026-11-20T09:00:00Z");
    REQUIRE_FALSE(m.ok());
    CHECK(pointers(m.problems()) == std::vector<std::string>{"/Leerling"});
}

SCENARIO("a Magister in- and uitschrijving become enrolment signals", "[ingest][registration]") {
    const SchoolDefaults defaults{std::nullopt, "GM0603"};
    const auto in =
        map_magister(R"({"Tijdstip":"2026-08-31T08:00:00Z","School":{"Brin":"56EF"},"Leerling":{"Bsn":"999990019"},
      "Inschrijving":{"Begin":"2026-08-31","Onderwijssoort":"VWO"}})",
                     defaults, "2026-08-31T09:00:00Z");
    REQUIRE(in.ok());
    const auto started = valid_signal(in.value());
    CHECK(started->getValue<std::string>("type") == "enrolment.started");
    CHECK(started->getObject("data")->getValue<std::string>("sector") == "vo");
    CHECK(started->getObject("school")->getValue<std::string>("gemeentecode") == "GM0603");
    const auto out = map_magister(R"({"School":{"Brin":"56EF"},"Leerling":{"Bsn":"999990019"},
      "Uitschrijving":{"Einde":"2027-07-16","Reden":{"Code":"DS","Omschrijving":"Diploma behaald"}}})",
                                  defaults, "2027-07-16T09:00:00Z");
    REQUIRE(out.ok());
    CHECK(valid_signal(out.value())->getObject("data")->getValue<std::string>("reason") == "einde_leerplicht");
}

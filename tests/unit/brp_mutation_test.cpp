// BRP-like population changes -> person.moved and household.composition.
#include "inbound/brp_mutation.hpp"
#include "inbound_test_support.hpp"

using namespace eenplan::inbound;

SCENARIO("a move becomes person.moved", "[ingest]") {
    const auto m =
        map_brp_mutation(R"({"mutatie":"verhuizing","tijdstip":"2026-11-02T10:00:00Z","burgerservicenummer":"999990019",
      "gemeenteVanInschrijving":{"code":"0603"},"datumAanvangAdreshouding":"2026-11-01",
      "naam":{"voornamen":"Jan"},"verblijfplaats":{"straat":"Dorpsstraat"}})",
                         "2026-11-02T11:00:00Z");
    REQUIRE(m.ok());
    const auto signal = valid_signal(m.value());
    CHECK(signal->getValue<std::string>("type") == "person.moved");
    CHECK(signal->getObject("subject")->getValue<std::string>("bsn") == "999990019");
    CHECK(signal->getObject("data")->getValue<std::string>("gemeentecode") == "GM0603");
    CHECK(signal->getObject("data")->getValue<std::string>("date") == "2026-11-01");
    CHECK(json_text(m.value()).find("Jan") == std::string::npos);
    CHECK(json_text(m.value()).find("Dorpsstraat") == std::string::npos);
}

SCENARIO("a household becomes household.composition", "[ingest]") {
    const auto m = map_brp_mutation(
        R"({"mutatie":"huishouden","gemeenteVanInschrijving":{"code":"GM0518"},"peildatum":"2026-11-01",
      "leden":[{"burgerservicenummer":"999990019","rol":"kind"},{"burgerservicenummer":"999990020","rol":"ouder"},
               {"burgerservicenummer":"999990032","rol":"gezaghouder"}]})",
        "2026-11-02T11:00:00Z");
    REQUIRE(m.ok());
    const auto signal = valid_signal(m.value());
    CHECK(signal->getValue<std::string>("type") == "household.composition");
    CHECK_FALSE(signal->has("subject"));
    CHECK(signal->getValue<std::string>("occurred_at") == "2026-11-01T00:00:00Z");
    const auto members = signal->getObject("data")->getArray("members");
    REQUIRE(members->size() == 3);
    CHECK(members->getObject(0)->getValue<std::string>("role") == "child");
    CHECK(members->getObject(1)->getValue<std::string>("role") == "parent");
    CHECK(members->getObject(2)->getValue<std::string>("role") == "guardian");
}

SCENARIO("unknown mutations and roles are refused", "[ingest]") {
    CHECK(pointers(map_brp_mutation(R"({"mutatie":"overlijden","gemeenteVanInschrijving":{"code":"0518"}})", "x")
                       .problems()) == std::vector<std::string>{"/mutatie"});
    CHECK(pointers(map_brp_mutation(
                       R"({"mutatie":"huishouden","gemeenteVanInschrijving":{"code":"0518"},"peildatum":"2026-11-01",
      "leden":[{"burgerservicenummer":"999990019","rol":"buurman"}]})",
                       "x")
                       .problems()) == std::vector<std::string>{"/leden/0/rol"});
}

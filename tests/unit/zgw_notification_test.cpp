// ZGW Notificaties API callbacks -> youthcare.started for a youth-care zaak's child.
#include "inbound/zgw_notification.hpp"
#include "inbound_test_support.hpp"

using namespace eenplan::inbound;

namespace {
const std::string zaaktype = "https://zaken.rijswijk.nl/catalogi/api/v1/zaaktypen/jeugdhulp";
const std::map<std::string, std::string> zaaktypes{{zaaktype, "jeugdteam"}};

std::string notification(const std::string& resource, const std::string& type) {
    return R"({"kanaal":"zaken","hoofdObject":"https://zaken.rijswijk.nl/zaken/api/v1/zaken/1","resource":")" +
           resource +
           R"(","resourceUrl":"https://zaken.rijswijk.nl/zaken/api/v1/rollen/9","actie":"create",)"
           R"("aanmaakdatum":"2026-11-23T10:15:00Z","kenmerken":{"bronorganisatie":"001234565","zaaktype":")" +
           type + R"(","vertrouwelijkheidaanduiding":"vertrouwelijk"}})";
}
}  // namespace

SCENARIO("a rol on a youth-care zaak becomes youthcare.started for the child", "[ingest]") {
    const auto n = parse_notification(notification("rol", zaaktype));
    REQUIRE(n.ok());
    const auto provider = youth_care_provider(n.value(), zaaktypes);
    REQUIRE(provider == "jeugdteam");
    const auto m = map_youth_care_rol(n.value(),
                                      R"({"url":"x","betrokkeneType":"natuurlijk_persoon","roltoelichting":"kind",
                                          "betrokkeneIdentificatie":{"inpBsn":"999990019","geslachtsnaam":"Jansen"}})",
                                      *provider);
    REQUIRE(m.ok());
    const auto signal = valid_signal(m.value());
    CHECK(signal->getValue<std::string>("type") == "youthcare.started");
    CHECK(signal->getObject("subject")->getValue<std::string>("bsn") == "999990019");
    CHECK(signal->getObject("data")->getValue<std::string>("start_date") == "2026-11-23");
    CHECK(signal->getObject("data")->getValue<std::string>("provider") == "jeugdteam");
    CHECK(json_text(m.value()).find("Jansen") == std::string::npos);
}

SCENARIO("other notifications are ignored, malformed ones refused", "[ingest]") {
    CHECK_FALSE(youth_care_provider(parse_notification(notification("status", zaaktype)).value(), zaaktypes));
    CHECK_FALSE(
        youth_care_provider(parse_notification(notification("rol", "https://elders/zaaktypen/x")).value(), zaaktypes));
    const auto bad = parse_notification(R"({"kanaal":"zaken"})");
    REQUIRE_FALSE(bad.ok());
    CHECK(pointers(bad.problems()) ==
          std::vector<std::string>{"/hoofdObject", "/resource", "/resourceUrl", "/actie", "/aanmaakdatum"});
    const auto n = parse_notification(notification("rol", zaaktype)).value();
    CHECK_FALSE(map_youth_care_rol(n, R"({"betrokkeneType":"niet_natuurlijk_persoon"})", "jeugdteam").ok());
}

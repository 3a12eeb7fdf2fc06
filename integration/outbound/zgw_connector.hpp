// The ZGW Zaken API connector (VNG "API's voor Zaakgericht Werken", Zaken API 1.x as Open Zaak
// implements it): a task becomes a zaak of the configured zaaktype at the responsible
// municipality, with its first status, carrying only what the sharing policy allowed.
//
//   zaak:   bronorganisatie, zaaktype, verantwoordelijkeOrganisatie, identificatie "EP-<delivery>",
//           startdatum (day of the attempt), uiterlijkeEinddatumAfdoening (the due date),
//           omschrijving (the task type), toelichting (task id and hub reference),
//           vertrouwelijkheidaanduiding "vertrouwelijk",
//           kenmerken [{kenmerk: <recipient pseudonym>, bron: "eenplan:pseudoniem"},
//                      {kenmerk: <task id>, bron: "eenplan:taak"}]
//   status: zaak, statustype, datumStatusGezet
//
// The Zaken API has no idempotency key, so identificatie is derived from the delivery id: a retry
// first looks the zaak up (GET /zaken?identificatie=&bronorganisatie=) and adds only what is
// missing. The zaak's URL becomes the delivery's external reference.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "outbound/connector.hpp"
#include "outbound/http_client.hpp"

namespace eenplan::integration {

struct ZgwEndpoint {
    std::string zaken_api;  // root, e.g. https://zaken.gemeente.nl/zaken/api/v1
    std::string client_id;
    std::string secret;
    std::string zaaktype;
    std::string statustype;
    std::string bronorganisatie;
    std::string verantwoordelijke_organisatie;
    std::optional<std::string> ca_file;
    std::chrono::milliseconds timeout{5000};
};

class ZgwZakenConnector : public Connector {
public:
    explicit ZgwZakenConnector(ZgwEndpoint endpoint);
    ConnectorAnswer deliver(const OutboundDelivery& delivery) override;

private:
    HttpReply call(const std::string& method, const std::string& path, const std::string& body, std::int64_t now_s);

    ZgwEndpoint endpoint_;
    std::string root_path_;
    KeepAliveClient client_;
};

// "EP-" + the delivery id: at most 40 characters, as the Zaken API allows for identificatie.
std::string zaak_identificatie(const std::string& delivery_id);

}  // namespace eenplan::integration

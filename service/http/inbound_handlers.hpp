// Inbound adapters over HTTP: payloads in the shapes school and municipal systems really send,
// mapped to canonical signals (integration/inbound/) that then go through the one ingest
// pipeline, so validation, pseudonymisation and storage stay in one place.
//   POST /v1/sources/{sourceId}/las/{vendor}       parnassys | magister | somtoday; signed as ingest
//   POST /v1/sources/{sourceId}/brp                a BRP-like population change; signed as ingest
//   POST /v1/sources/{sourceId}/zgw-notifications  a ZGW Notificaties API callback, authenticated
//                                                  with the abonnement's Authorization value
#pragma once

#include <string>

#include "http/route_handler.hpp"

namespace eenplan::service {

// LAS and BRP payloads: Standard Webhooks signature under the source's secrets, then the mapper.
class SignedAdapterHandler : public RouteHandler {
public:
    SignedAdapterHandler(ServiceContext& context, std::string source_id, std::string adapter)
        : RouteHandler(context,
                       adapter == "brp" ? "/v1/sources/{sourceId}/brp" : "/v1/sources/{sourceId}/las/{vendor}"),
          source_id_(std::move(source_id)),
          adapter_(std::move(adapter)) {}

    // Whether `adapter` names a mapper: "brp" or one of the LAS vendors.
    static bool known(const std::string& adapter);

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string source_id_;
    std::string adapter_;
};

class ZgwNotificationHandler : public RouteHandler {
public:
    ZgwNotificationHandler(ServiceContext& context, std::string source_id)
        : RouteHandler(context, "/v1/sources/{sourceId}/zgw-notifications"), source_id_(std::move(source_id)) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string source_id_;
};

}  // namespace eenplan::service

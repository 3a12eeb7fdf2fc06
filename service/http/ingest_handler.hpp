// POST /v1/sources/{sourceId}/signals: a signed signal from a school or municipal system.
#pragma once

#include "http/route_handler.hpp"

namespace eenplan::service {

class IngestHandler : public RouteHandler {
public:
    static constexpr const char* route = "/v1/sources/{sourceId}/signals";

    IngestHandler(ServiceContext& context, std::string source_id)
        : RouteHandler(context, route), source_id_(std::move(source_id)) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string source_id_;
};

}  // namespace eenplan::service

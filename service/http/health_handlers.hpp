// GET /healthz (the process answers), GET /readyz (the database answers and is migrated) and
// GET /metrics (Prometheus text).
#pragma once

#include "http/route_handler.hpp"

namespace eenplan::service {

class HealthHandler : public RouteHandler {
public:
    explicit HealthHandler(ServiceContext& context) : RouteHandler(context) {}

protected:
    void handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override;
};

class ReadyHandler : public RouteHandler {
public:
    explicit ReadyHandler(ServiceContext& context) : RouteHandler(context) {}

protected:
    void handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override;
};

class MetricsHandler : public RouteHandler {
public:
    explicit MetricsHandler(ServiceContext& context) : RouteHandler(context) {}

protected:
    void handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace eenplan::service

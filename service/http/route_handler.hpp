// Base of every handler: times the request, records it in the metrics under its route pattern,
// and turns an unavailable store or an unexpected exception into a problem+json answer.
#pragma once

#include <string>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "http/service_context.hpp"

namespace eenplan::service {

class RouteHandler : public Poco::Net::HTTPRequestHandler {
public:
    // `route` labels the request in the metrics and logs; the router replaces it with the pattern
    // of the route it matched (http/routes.cpp), so handlers need not name it.
    explicit RouteHandler(ServiceContext& context, std::string route = {})
        : context_(context), route_(std::move(route)) {}

    void set_route(std::string route) { route_ = std::move(route); }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) final;

protected:
    virtual void handle(Poco::Net::HTTPServerRequest& request,
                        Poco::Net::HTTPServerResponse& response) = 0;

    ServiceContext& context_;
    std::string route_;
};

}  // namespace eenplan::service

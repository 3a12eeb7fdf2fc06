// Maps a request's method and path to its handler; the only place that knows the URL space.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "http/service_context.hpp"

namespace eenplan::service {

class Router : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Router(ServiceContext& context) : context_(context) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    ServiceContext& context_;
};

}  // namespace eenplan::service

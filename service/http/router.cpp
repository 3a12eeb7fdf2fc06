#include "http/router.hpp"

#include <vector>

#include <Poco/URI.h>

#include "http/problem.hpp"
#include "http/route_handler.hpp"
#include "http/routes.hpp"

namespace eenplan::service {
namespace {

// Answers a path that exists with a method it does not take, or a path that does not exist.
class FallbackHandler : public RouteHandler {
public:
    FallbackHandler(ServiceContext& context, std::string allow)
        : RouteHandler(context, allow.empty() ? "unmatched" : "method-not-allowed"), allow_(std::move(allow)) {}

protected:
    void handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override {
        response.setKeepAlive(false);
        if (allow_.empty()) {
            send_not_found(response, "no resource at this path");
            return;
        }
        response.set("Allow", allow_);
        send_problem(response, {Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                                "method-not-allowed",
                                "Method not allowed",
                                "this resource accepts " + allow_,
                                {}});
    }

private:
    std::string allow_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* Router::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
    std::vector<std::string> segments;
    try {
        Poco::URI(request.getURI()).getPathSegments(segments);
    } catch (const Poco::Exception&) {
        return new FallbackHandler(context_, "");
    }
    const std::string& method = request.getMethod();
    std::vector<std::string> params;
    std::string allow;  // the methods the path takes, when not this one
    for (const Route& route : routes()) {
        if (!match_pattern(route.pattern, segments, params)) continue;
        if (method != route.method) {
            if (allow.find(route.method) == std::string::npos)
                allow += (allow.empty() ? "" : ", ") + std::string(route.method);
            continue;
        }
        RouteHandler* handler = route.make(context_, params);
        if (handler == nullptr) return new FallbackHandler(context_, "");
        handler->set_route(route.pattern, route.access, params);
        return handler;
    }
    return new FallbackHandler(context_, allow);
}

}  // namespace eenplan::service

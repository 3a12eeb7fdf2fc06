#include "http/router.hpp"

#include <string_view>
#include <vector>

#include <Poco/Net/HTTPRequest.h>
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
    // HEAD is GET without the body (RFC 9110 §9.3.2): Poco's response sends the headers, with the
    // body's Content-Length, and leaves the body out when the request was a HEAD.
    const bool head = request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD;
    const std::string& method = head ? Poco::Net::HTTPRequest::HTTP_GET : request.getMethod();
    std::vector<std::string> params;
    std::string allow;  // the methods the path takes, when not this one
    for (const Route& route : routes()) {
        if (!match_pattern(route.pattern, segments, params)) continue;
        if (method != route.method) {
            const std::string allowed = route.method == std::string_view("GET") ? "GET, HEAD" : route.method;
            if (allow.find(allowed) == std::string::npos) allow += (allow.empty() ? "" : ", ") + allowed;
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

#include "http/router.hpp"

#include <vector>

#include <Poco/URI.h>

#include "http/health_handlers.hpp"
#include "http/ingest_handler.hpp"
#include "http/problem.hpp"

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
            send_problem(response, {Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "not-found", "Not found",
                                    "no resource at this path", {}});
            return;
        }
        response.set("Allow", allow_);
        send_problem(response, {Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method-not-allowed",
                                "Method not allowed", "this resource accepts " + allow_, {}});
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
    auto only = [&](const char* allowed, auto make) -> Poco::Net::HTTPRequestHandler* {
        if (method == allowed) return make();
        return new FallbackHandler(context_, allowed);
    };

    if (segments.size() == 1) {
        if (segments[0] == "healthz") return only("GET", [&] { return new HealthHandler(context_); });
        if (segments[0] == "readyz") return only("GET", [&] { return new ReadyHandler(context_); });
        if (segments[0] == "metrics") return only("GET", [&] { return new MetricsHandler(context_); });
    }
    if (segments.size() == 4 && segments[0] == "v1" && segments[1] == "sources" && segments[3] == "signals") {
        return only("POST", [&] { return new IngestHandler(context_, segments[2]); });
    }
    return new FallbackHandler(context_, "");
}

}  // namespace eenplan::service

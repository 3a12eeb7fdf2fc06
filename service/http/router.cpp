#include "http/router.hpp"

#include <vector>

#include <Poco/URI.h>

#include "http/delivery_handlers.hpp"
#include "http/health_handlers.hpp"
#include "http/inbound_handlers.hpp"
#include "http/ingest_handler.hpp"
#include "http/problem.hpp"
#include "http/plan_handlers.hpp"
#include "http/record_handlers.hpp"

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
    if (segments.size() >= 4 && segments[0] == "v1" && segments[1] == "sources") {
        if (segments.size() == 5 && segments[3] == "las" && SignedAdapterHandler::known(segments[4]) && segments[4] != "brp") {
            return only("POST", [&] { return new SignedAdapterHandler(context_, segments[2], segments[4]); });
        }
        if (segments.size() == 4 && segments[3] == "brp") {
            return only("POST", [&] { return new SignedAdapterHandler(context_, segments[2], "brp"); });
        }
        if (segments.size() == 4 && segments[3] == "zgw-notifications") {
            return only("POST", [&] { return new ZgwNotificationHandler(context_, segments[2]); });
        }
    }
    if (segments.size() >= 2 && segments[0] == "v1") {
        const std::string& kind = segments[1];
        if (segments.size() == 2 && kind == "link-reviews") {
            return only("GET", [&] { return new LinkReviewsHandler(context_); });
        }
        if (segments.size() == 3 && kind == "pupils") {
            return only("GET", [&] { return new PupilHandler(context_, segments[2]); });
        }
        if (segments.size() == 3 && kind == "families") {
            return only("GET", [&] { return new FamilyHandler(context_, segments[2]); });
        }
        if (segments.size() == 4 && kind == "pupils" && segments[3] == "merge") {
            return only("POST", [&] { return new PupilMergeHandler(context_, segments[2]); });
        }
        if (segments.size() == 4 && kind == "merges" && segments[3] == "undo") {
            return only("POST", [&] { return new MergeUndoHandler(context_, segments[2]); });
        }
        if (segments.size() == 4 && kind == "link-reviews" && segments[3] == "decision") {
            return only("POST", [&] { return new LinkReviewDecisionHandler(context_, segments[2]); });
        }
        if (segments.size() == 3 && kind == "plans") {
            return only("GET", [&] { return new PlanHandler(context_, segments[2]); });
        }
        if (segments.size() == 4 && kind == "plans" && segments[3] == "overrides") {
            return only("POST", [&] { return new PlanOverrideHandler(context_, segments[2]); });
        }
        if (segments.size() == 2 && kind == "parked") {
            return only("GET", [&] { return new ParkedHandler(context_); });
        }
        if (segments.size() == 3 && kind == "parked" && segments[2] == "retry") {
            return only("POST", [&] { return new ParkedRetryHandler(context_); });
        }
        if (segments.size() == 2 && kind == "tasks") {
            return only("POST", [&] { return new TaskCreateHandler(context_); });
        }
        if (segments.size() == 2 && kind == "deliveries") {
            return only("GET", [&] { return new DeliveriesHandler(context_); });
        }
        if (segments.size() == 3 && kind == "deliveries") {
            return only("GET", [&] { return new DeliveryHandler(context_, segments[2]); });
        }
        if (segments.size() == 4 && kind == "deliveries" && (segments[3] == "retry" || segments[3] == "cancel")) {
            return only("POST", [&] { return new DeliveryActionHandler(context_, segments[2], segments[3]); });
        }
    }
    return new FallbackHandler(context_, "");
}

}  // namespace eenplan::service

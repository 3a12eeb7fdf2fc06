#include "http/health_handlers.hpp"

#include "http/problem.hpp"
#include "http/response.hpp"

namespace eenplan::service {

void HealthHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    send_body(response, "application/json", R"({"status":"up"})");
}

void ReadyHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    if (context_.store_ready()) {
        send_body(response, "application/json", R"({"status":"ready"})");
        return;
    }
    response.set("Retry-After", "5");
    send_problem(response, {Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                            "not-ready",
                            "Not ready",
                            "the database is unreachable or its migrations are not all applied",
                            {}});
}

void MetricsHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    send_body(response, "text/plain; version=0.0.4; charset=utf-8", context_.metrics.render());
}

}  // namespace eenplan::service

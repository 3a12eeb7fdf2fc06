#include "http/route_handler.hpp"

#include <chrono>

#include <Poco/Message.h>

#include "common/log_event.hpp"
#include "common/store_types.hpp"
#include "http/problem.hpp"
#include "http/request_body.hpp"

namespace eenplan::service {

void RouteHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response) {
    const auto started = std::chrono::steady_clock::now();
    try {
        handle(request, response);
    } catch (const StoreUnavailable& error) {
        log_event(context_.logger, Poco::Message::PRIO_WARNING, "http", "store.unavailable", "store unavailable",
                  {{"route", route_}, {"error", loggable_error(error)}});
        if (!response.sent()) {
            response.set("Retry-After", "5");
            send_problem(response, {Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "store-unavailable",
                                    "The database is unavailable",
                                    "nothing was stored; send the same request again later", {}});
        }
    } catch (const std::exception& error) {
        log_event(context_.logger, Poco::Message::PRIO_ERROR, "http", "request.failed", "request failed",
                  {{"route", route_}, {"error", loggable_error(error)}});
        if (!response.sent()) {
            send_problem(response, {Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal-error",
                                    "Internal error", "the request could not be completed", {}});
        }
    }
    try {
        finish_body(request, response);
    } catch (const std::exception&) {
        response.setKeepAlive(false);  // the connection broke while draining: nothing more on it
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    context_.metrics.observe_request(route_, request.getMethod(), static_cast<int>(response.getStatus()),
                                     elapsed.count());
}

}  // namespace eenplan::service

#include "http/route_handler.hpp"

#include <chrono>

#include <Poco/Message.h>

#include "http/problem.hpp"
#include "http/request_body.hpp"

namespace eenplan::service {

void RouteHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response) {
    const auto started = std::chrono::steady_clock::now();
    try {
        handle(request, response);
    } catch (const StoreUnavailable& error) {
        Poco::Message message("http", "store unavailable", Poco::Message::PRIO_WARNING);
        message.set("event", "store.unavailable");
        message.set("route", route_);
        message.set("error", error.what());
        context_.logger.log(message);
        if (!response.sent()) {
            response.set("Retry-After", "5");
            send_problem(response, {Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "store-unavailable",
                                    "The database is unavailable",
                                    "nothing was stored; send the same request again later", {}});
        }
    } catch (const std::exception& error) {
        Poco::Message message("http", "request failed", Poco::Message::PRIO_ERROR);
        message.set("event", "request.failed");
        message.set("route", route_);
        message.set("error", error.what());
        context_.logger.log(message);
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

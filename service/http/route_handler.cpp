#include "http/route_handler.hpp"

#include <chrono>

#include <Poco/Message.h>

#include "common/ids.hpp"
#include "common/log_event.hpp"
#include "common/store_types.hpp"
#include "audit/audit_trail.hpp"
#include "console_auth/console_auth.hpp"
#include "http/client_certificate.hpp"
#include "http/console_session_handlers.hpp"
#include "http/problem.hpp"
#include "http/request_body.hpp"

namespace eenplan::service {
namespace {

bool admin_level(Access access) {
    return access == Access::admin_read || access == Access::admin_write || access == Access::audit_read ||
           access == Access::privacy_officer;
}

AdminAccess admin_access_of(Access access) {
    if (access == Access::admin_write) return AdminAccess::write;
    if (access == Access::audit_read) return AdminAccess::audit;
    if (access == Access::privacy_officer) return AdminAccess::privacy;
    return AdminAccess::read;
}

}  // namespace

bool RouteHandler::admit_source_connection(Poco::Net::HTTPServerRequest& request,
                                           Poco::Net::HTTPServerResponse& response) {
    if (params_.empty()) return true;
    const SourceConfig* source = find_source(context_.config, params_.front());
    // An unknown source is the handler's 404; a source without the rule takes any connection.
    if (source == nullptr || !source->client_certificate) return true;
    if (certificate_matches(*source->client_certificate, peer_certificate(request))) return true;
    log_event(context_.logger, Poco::Message::PRIO_WARNING, "http", "source.client_certificate_refused",
              "a request for a source came over a connection without its client certificate",
              {{"route", route_}, {"source", source->id}});
    send_problem(response, {Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED,
                            "client-certificate-required",
                            "Client certificate required",
                            "this source's requests are accepted only over a TLS connection that presents the client "
                            "certificate registered for it",
                            {}});
    return false;
}

std::variant<AdminIdentity, AdminRefusal> RouteHandler::authenticate_session(
    const Poco::Net::HTTPServerRequest& request, const std::string& cookie) {
    const auto session = context_.console->session(cookie);
    if (!session) return AdminRefusal{401, "the console session has ended; sign in again"};
    auto result = grant_access(session->user, "", session->roles, admin_access_of(access_));
    const std::string& method = request.getMethod();
    if (std::holds_alternative<AdminIdentity>(result) && method != "GET" && method != "HEAD" &&
        !ConsoleAuth::csrf_matches(*session, request.get("X-CSRF-Token", ""))) {
        std::string roles;
        for (const std::string& role : session->roles) roles += (roles.empty() ? "" : ",") + role;
        return AdminRefusal{403, "a change made with a console session needs its X-CSRF-Token header", session->user,
                            "", roles};
    }
    return result;
}

bool RouteHandler::authenticate_admin(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    // The Bearer token when there is one; else the console's session cookie.
    const std::string authorization = request.get("Authorization", "");
    const auto cookie =
        authorization.empty() && context_.console != nullptr ? session_cookie_of(request) : std::nullopt;
    auto result = cookie ? authenticate_session(request, *cookie)
                         : context_.auth.authenticate(authorization, admin_access_of(access_), context_.clock->now_s());
    if (auto* identity = std::get_if<AdminIdentity>(&result)) {
        admin_ = std::move(*identity);
        return true;
    }
    refusal_ = std::get<AdminRefusal>(std::move(result));
    if (refusal_->status == 401) {
        response.set("WWW-Authenticate", "Bearer realm=\"eenplan-admin\"");
        send_problem(response, {Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED,
                                "unauthenticated",
                                "Authentication required",
                                refusal_->detail,
                                {}});
    } else {
        send_problem(response,
                     {Poco::Net::HTTPResponse::HTTP_FORBIDDEN, "forbidden", "Not allowed", refusal_->detail, {}});
    }
    return false;
}

void RouteHandler::write_audit(const Poco::Net::HTTPServerRequest& request,
                               const Poco::Net::HTTPServerResponse& response, long long started_us) {
    audit::AuditEntry entry;
    if (admin_) {
        entry.actor = admin_->subject;
        entry.on_behalf_of = admin_->on_behalf_of;
        entry.role = admin_->role;
    } else if (refusal_ && refusal_->status == 403) {
        entry.actor = refusal_->subject;
        entry.on_behalf_of = refusal_->on_behalf_of;
        entry.role = refusal_->roles;
    } else {
        return;  // no valid token: logged with the request, not a person the trail can name
    }
    entry.at_us = started_us;
    entry.method = request.getMethod();
    entry.route = route_;
    entry.outcome = static_cast<int>(response.getStatus());
    // A 404 names nothing that exists: whatever the path held is not kept.
    const bool found = entry.outcome != Poco::Net::HTTPResponse::HTTP_NOT_FOUND;
    for (const auto* ids : {&params_, &noted_}) {
        for (const std::string& id : *ids) entry.object_ids.push_back(found && is_hub_id(id) ? id : "?");
    }
    if (context_.audit == nullptr) throw std::logic_error("an admin route without an audit trail");
    context_.audit->append(std::move(entry));
}

void RouteHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto started = std::chrono::steady_clock::now();
    const long long started_us = context_.clock->now_us();
    const bool audited = admin_level(access_);
    try {
        if (audited ? authenticate_admin(request, response)
                    : access_ != Access::source || admit_source_connection(request, response)) {
            handle(request, response);
        }
    } catch (const KeyServerUnavailable& error) {
        log_event(context_.logger, Poco::Message::PRIO_WARNING, "http", "keyserver.unavailable",
                  "key server unavailable", {{"route", route_}, {"error", error.what()}});
        if (!response.sent()) {
            response.set("Retry-After", "5");
            send_problem(response, {Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                                    "key-server-unavailable",
                                    "The key server is unavailable",
                                    "nothing was stored; send the same request again later",
                                    {}});
        }
    } catch (const StoreUnavailable& error) {
        log_event(context_.logger, Poco::Message::PRIO_WARNING, "http", "store.unavailable", "store unavailable",
                  {{"route", route_}, {"error", loggable_error(error)}});
        if (!response.sent()) {
            response.set("Retry-After", "5");
            send_problem(response, {Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                                    "store-unavailable",
                                    "The database is unavailable",
                                    "nothing was stored; send the same request again later",
                                    {}});
        }
    } catch (const std::exception& error) {
        log_event(context_.logger, Poco::Message::PRIO_ERROR, "http", "request.failed", "request failed",
                  {{"route", route_}, {"error", loggable_error(error)}});
        if (!response.sent()) {
            send_problem(response, {Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                                    "internal-error",
                                    "Internal error",
                                    "the request could not be completed",
                                    {}});
        }
    }
    if (audited) {
        try {
            write_audit(request, response, started_us);
        } catch (const std::exception& error) {
            // The answer is out already; what remains is to say loudly that the trail misses it.
            log_event(context_.logger, Poco::Message::PRIO_CRITICAL, "audit", "audit.failed",
                      "a request could not be written to the audit trail",
                      {{"route", route_}, {"error", loggable_error(error)}});
            context_.metrics.count_audit_failure();
        }
    }
    try {
        finish_body(request, response);
    } catch (const std::exception&) {
        response.setKeepAlive(false);  // the connection broke while draining: nothing more on it
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    const int status = static_cast<int>(response.getStatus());
    context_.metrics.observe_request(route_, request.getMethod(), status, elapsed.count());
    if (access_ == Access::source && !params_.empty()) {
        if (const SourceConfig* source = find_source(context_.config, params_.front()))
            context_.metrics.observe_source_request(source->id, route_, status);
    }
}

}  // namespace eenplan::service

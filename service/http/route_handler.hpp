// Base of every handler: times the request, records it in the metrics under its route pattern,
// and turns an unavailable store or an unexpected exception into a problem+json answer. For the
// admin and audit routes it is also the one place that authenticates the admin JWT (before any
// handler code runs) and writes the audit trail: every admitted request, reads included, and
// every refusal of a valid token, with who, on whose behalf, role, route, object ids, time and
// the status answered. A request without a valid token (401) is logged, not put in the trail: the
// trail records people the hub knows, and anybody can send a bad token.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "http/admin_auth.hpp"
#include "http/route_access.hpp"
#include "http/service_context.hpp"

namespace eenplan::service {

class RouteHandler : public Poco::Net::HTTPRequestHandler {
public:
    // `route` labels the request in the metrics and logs; the router replaces it with the pattern
    // of the route it matched (http/routes.cpp), so handlers need not name it.
    explicit RouteHandler(ServiceContext& context, std::string route = {})
        : context_(context), route_(std::move(route)) {}

    void set_route(std::string route) { route_ = std::move(route); }
    // The matched route's pattern, access level and `{...}` segments (the router sets them).
    void set_route(std::string route, Access access, std::vector<std::string> params) {
        route_ = std::move(route);
        access_ = access;
        params_ = std::move(params);
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) final;

protected:
    virtual void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) = 0;

    // Another object the request concerns (an id in the body, an id the request made), for the
    // audit trail. Only hub-made ids (UUIDs) are kept; anything else is recorded as "?".
    void note_object(const std::string& id) { noted_.push_back(id); }
    // The admin who called (admin and audit routes, after authentication).
    [[nodiscard]] const AdminIdentity& admin() const { return *admin_; }

    ServiceContext& context_;
    std::string route_;

private:
    // Mutual TLS (source routes): false when the source requires a client certificate this
    // connection did not present (the answer is sent).
    bool admit_source_connection(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    // False when the request was refused (the answer is sent).
    bool authenticate_admin(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    // The console session's user and roles for this route, or why not (401, or 403 with who).
    std::variant<AdminIdentity, AdminRefusal> authenticate_session(const Poco::Net::HTTPServerRequest& request,
                                                                   const std::string& cookie);
    void write_audit(const Poco::Net::HTTPServerRequest& request, const Poco::Net::HTTPServerResponse& response,
                     long long started_us);

    Access access_ = Access::open;
    std::vector<std::string> params_;
    std::vector<std::string> noted_;
    std::optional<AdminIdentity> admin_;
    std::optional<AdminRefusal> refusal_;
};

}  // namespace eenplan::service

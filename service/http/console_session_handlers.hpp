// The console's sign-in endpoints (docs/security.md, "Console sign-in"; the console contract):
//   GET  /console/api/config     which sign-in the login page offers
//   POST /console/api/login      local account → session cookie and CSRF token (429 when throttled)
//   GET  /console/api/session    the session's user, roles and CSRF token (after a reload)
//   POST /console/api/logout     needs X-CSRF-Token; ends the session, clears the cookie
//   GET  /console/oidc/login     302 to the identity provider (authorization code + PKCE)
//   GET  /console/oidc/callback  code exchange, ID token verified → session cookie → 302 /console/
// Sign-ins, failed sign-ins and sign-outs are written to the audit trail.
#pragma once

#include <optional>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>

#include "http/route_handler.hpp"

namespace eenplan::service {

// The value of the request's eenplan_session cookie, if it has one.
std::optional<std::string> session_cookie_of(const Poco::Net::HTTPServerRequest& request);

class ConsoleSessionHandler : public RouteHandler {
public:
    enum class Action { config, login, session, logout, oidc_login, oidc_callback };
    ConsoleSessionHandler(ServiceContext& context, Action action) : RouteHandler(context), action_(action) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    void login(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void session(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void logout(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void oidc_login(Poco::Net::HTTPServerResponse& response);
    void oidc_callback(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    // An audit entry for a sign-in, a refused one or a sign-out ("?" for a name that is no account).
    void audit(const Poco::Net::HTTPServerRequest& request, const Poco::Net::HTTPServerResponse& response,
               const std::string& actor, const std::string& roles);

    Action action_;
};

}  // namespace eenplan::service

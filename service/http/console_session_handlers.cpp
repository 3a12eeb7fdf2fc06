#include "http/console_session_handlers.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Message.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include "audit/audit_trail.hpp"
#include "common/log_event.hpp"
#include "console_auth/console_auth.hpp"
#include "console_auth/login_request.hpp"
#include "http/problem.hpp"
#include "http/request_body.hpp"
#include "http/response.hpp"

namespace eenplan::service {
namespace {

// 503 with Retry-After when the identity provider cannot be reached (discovery, JWKS or token
// request failed); what failed goes to the log, not to the caller.
void send_provider_unavailable(Poco::Logger& logger, Poco::Net::HTTPServerResponse& response,
                               const std::runtime_error& error) {
    log_event(logger, Poco::Message::PRIO_WARNING, "console", "console.oidc_unavailable",
              "the identity provider cannot be used", {{"error", error.what()}});
    response.set("Retry-After", "30");
    send_problem(response, {Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                            "identity-provider-unavailable",
                            "The identity provider is unavailable",
                            "sign-in through the organisation's identity provider is not possible right now",
                            {}});
}

std::string json_text(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

std::string session_body(const ConsoleSession& session) {
    Poco::JSON::Object body;
    body.set("user", session.user);
    Poco::JSON::Array roles;
    for (const std::string& role : session.roles) roles.add(role);
    body.set("roles", roles);
    body.set("csrf_token", session.csrf_token);
    body.set("via", session.via);
    return json_text(body);
}

std::string joined(const std::vector<std::string>& roles) {
    std::string out;
    for (const std::string& role : roles) out += (out.empty() ? "" : ",") + role;
    return out;
}

void send_unauthenticated(Poco::Net::HTTPServerResponse& response, const std::string& detail) {
    send_problem(
        response,
        {Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED, "unauthenticated", "Authentication required", detail, {}});
}

}  // namespace

std::optional<std::string> session_cookie_of(const Poco::Net::HTTPServerRequest& request) {
    if (!request.has("Cookie")) return std::nullopt;
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    const auto found = cookies.find(session_cookie_name);
    if (found == cookies.end() || found->second.empty()) return std::nullopt;
    return found->second;
}

void ConsoleSessionHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    response.set("Cache-Control", "no-store");
    if (context_.console == nullptr) {
        send_not_found(response, "the console's sign-in is not available on this service");
        return;
    }
    switch (action_) {
        case Action::config: {
            Poco::JSON::Object body;
            body.set("local_login", context_.console->local_login());
            body.set("oidc", context_.console->oidc());
            send_body(response, "application/json", json_text(body));
            return;
        }
        case Action::login: return login(request, response);
        case Action::session: return session(request, response);
        case Action::logout: return logout(request, response);
        case Action::oidc_login: return oidc_login(response);
        case Action::oidc_callback: return oidc_callback(request, response);
    }
}

void ConsoleSessionHandler::audit(const Poco::Net::HTTPServerRequest& request,
                                  const Poco::Net::HTTPServerResponse& response, const std::string& actor,
                                  const std::string& roles) {
    if (context_.audit == nullptr) return;
    audit::AuditEntry entry;
    entry.actor = actor;
    entry.role = roles;
    entry.at_us = context_.clock->now_us();
    entry.method = request.getMethod();
    entry.route = route_;
    entry.outcome = static_cast<int>(response.getStatus());
    context_.audit->append(std::move(entry));
}

void ConsoleSessionHandler::login(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    if (!context_.console->local_login()) {
        send_not_found(response, "local sign-in is turned off on this service (console.local_login)");
        return;
    }
    // Only JSON: a cross-site form can send text/plain or a form, never application/json without
    // the browser asking first (CORS), so no other site can sign a browser in (login CSRF).
    if (Poco::icompare(request.getContentType().substr(0, 16), "application/json") != 0) {
        send_problem(response, ProblemType::unsupported_media_type, "a login is sent as application/json");
        return;
    }
    const auto body = read_body(request, 8192);
    if (!body) {
        send_problem(response, ProblemType::body_too_large, "a login body has at most 8192 bytes");
        return;
    }
    auto parsed = parse_login_request(*body);
    if (!parsed) {
        send_problem(response, ProblemType::invalid_request, "the body must be {\"username\", \"password\"}",
                     parsed.problems());
        return;
    }
    const std::string address = request.clientAddress().host().toString();
    const LoginOutcome outcome = context_.console->login(parsed->username, parsed->password, address);
    switch (outcome.kind) {
        case LoginOutcome::Kind::throttled:
            response.set("Retry-After", std::to_string(outcome.retry_after_s));
            send_problem(response, ProblemType::rate_limited,
                         "too many failed sign-ins for this account or from this address; try again later");
            log_event(context_.logger, Poco::Message::PRIO_WARNING, "console", "console.login_throttled",
                      "a sign-in was refused while its account or address is throttled",
                      {{"retry_after", std::to_string(outcome.retry_after_s)}});
            audit(request, response, outcome.known_account ? parsed->username : "?", "");
            return;
        case LoginOutcome::Kind::refused:
            send_unauthenticated(response, "the user name or password is not right");
            log_event(context_.logger, Poco::Message::PRIO_NOTICE, "console", "console.login_refused",
                      "a sign-in was refused");
            // A name that is no account may be anything (a password typed in the wrong field): not kept.
            audit(request, response, outcome.known_account ? parsed->username : "?", "");
            return;
        case LoginOutcome::Kind::signed_in: break;
    }
    const SignIn& sign_in = *outcome.sign_in;
    response.set("Set-Cookie", context_.console->session_cookie(sign_in.cookie_value));
    send_body(response, "application/json", session_body(sign_in.session));
    audit(request, response, sign_in.session.user, joined(sign_in.session.roles));
}

void ConsoleSessionHandler::session(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto cookie = session_cookie_of(request);
    const auto session = cookie ? context_.console->session(*cookie) : std::nullopt;
    if (!session) {
        send_unauthenticated(response, "no console session; sign in first");
        return;
    }
    send_body(response, "application/json", session_body(*session));
}

void ConsoleSessionHandler::logout(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto cookie = session_cookie_of(request);
    const auto session = cookie ? context_.console->session(*cookie) : std::nullopt;
    if (!session) {
        response.set("Set-Cookie", ConsoleAuth::cleared_cookie());
        send_unauthenticated(response, "no console session");
        return;
    }
    if (!ConsoleAuth::csrf_matches(*session, request.get("X-CSRF-Token", ""))) {
        send_problem(response, {Poco::Net::HTTPResponse::HTTP_FORBIDDEN,
                                "forbidden",
                                "Not allowed",
                                "a change needs the session's X-CSRF-Token header",
                                {}});
        audit(request, response, session->user, joined(session->roles));
        return;
    }
    context_.console->logout(*cookie);
    response.set("Set-Cookie", ConsoleAuth::cleared_cookie());
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
    response.setContentLength(0);
    response.send();
    audit(request, response, session->user, joined(session->roles));
}

void ConsoleSessionHandler::oidc_login(Poco::Net::HTTPServerResponse& response) {
    if (!context_.console->oidc()) {
        send_not_found(response, "sign-in through an identity provider is not configured (console.oidc)");
        return;
    }
    std::string url;
    try {
        url = context_.console->oidc_authorization_url();
    } catch (const std::runtime_error& error) {
        send_provider_unavailable(context_.logger, response, error);
        return;
    }
    response.redirect(url, Poco::Net::HTTPResponse::HTTP_FOUND);
}

void ConsoleSessionHandler::oidc_callback(Poco::Net::HTTPServerRequest& request,
                                          Poco::Net::HTTPServerResponse& response) {
    if (!context_.console->oidc()) {
        send_not_found(response, "sign-in through an identity provider is not configured (console.oidc)");
        return;
    }
    const std::string uri = request.getURI();
    const auto question = uri.find('?');
    auto query = oidc::form_decode(question == std::string::npos ? std::string_view()
                                                                 : std::string_view(uri).substr(question + 1));
    if (!query) {
        send_problem(response, ProblemType::invalid_query, "the callback's query cannot be read");
        return;
    }
    const auto field = [&](const char* name) {
        const auto found = query->find(name);
        return found == query->end() ? std::string() : found->second;
    };
    if (!field("error").empty()) {
        // The provider's own refusal (the user cancelled, no access): its code only, never its text.
        send_unauthenticated(response, "the identity provider did not sign the user in");
        audit(request, response, "?", "");
        return;
    }
    OidcOutcome outcome;
    try {
        outcome = context_.console->oidc_callback(field("code"), field("state"), field("iss"));
    } catch (const std::runtime_error& error) {
        send_provider_unavailable(context_.logger, response, error);
        return;
    }
    if (!outcome.sign_in) {
        log_event(context_.logger, Poco::Message::PRIO_NOTICE, "console", "console.oidc_refused",
                  "a sign-in through the identity provider was refused", {{"reason", outcome.detail}});
        if (outcome.status == 400) {
            send_problem(response, ProblemType::invalid_query, outcome.detail);
        } else if (outcome.status == 403) {
            send_problem(response,
                         {Poco::Net::HTTPResponse::HTTP_FORBIDDEN, "forbidden", "Not allowed", outcome.detail, {}});
        } else {
            send_unauthenticated(response, outcome.detail);
        }
        audit(request, response, outcome.user.empty() ? "?" : outcome.user, "");
        return;
    }
    response.set("Set-Cookie", context_.console->session_cookie(outcome.sign_in->cookie_value));
    response.redirect("/console/", Poco::Net::HTTPResponse::HTTP_FOUND);
    audit(request, response, outcome.sign_in->session.user, joined(outcome.sign_in->session.roles));
}

}  // namespace eenplan::service

#include "console_auth/oidc_client.hpp"

#include <chrono>
#include <stdexcept>

#include <Poco/URI.h>

#include "eenplan/core/encoding.hpp"
#include "outbound/http_client.hpp"

namespace eenplan::service {
namespace {

struct Target {
    std::string origin;
    std::string path_and_query;
};

Target split(const std::string& url) {
    const Poco::URI uri(url);
    std::string path = uri.getPathAndQuery();
    if (path.empty()) path = "/";
    return {uri.getScheme() + "://" + uri.getAuthority(), path};
}

}  // namespace

std::string OidcClient::get(const std::string& url) {
    const Target target = split(url);
    integration::KeepAliveClient client(target.origin, config_.ca_file, std::chrono::milliseconds(config_.timeout_ms));
    const auto reply = client.send("GET", target.path_and_query, {{"accept", "application/json"}}, "");
    if (reply.status != 200) {
        throw std::runtime_error(reply.status == 0 ? "the identity provider did not answer: " + reply.error
                                                   : "the identity provider answered " + std::to_string(reply.status));
    }
    return reply.body;
}

oidc::Discovery OidcClient::discovery() {
    {
        const std::lock_guard lock(mutex_);
        if (discovery_) return *discovery_;
    }
    const std::string body = get(config_.issuer + "/.well-known/openid-configuration");
    auto parsed = oidc::parse_discovery(body, config_.issuer);
    if (!parsed)
        throw std::runtime_error("the discovery document " + parsed.problems()[0].pointer + " " +
                                 parsed.problems()[0].detail);
    const std::lock_guard lock(mutex_);
    discovery_ = parsed.value();
    return *discovery_;
}

oidc::Jwks OidcClient::keys(const std::string& kid, std::int64_t now_s) {
    {
        const std::lock_guard lock(mutex_);
        bool known = !jwks_.empty();
        if (known && !kid.empty()) {
            known = false;
            for (const auto& key : jwks_) known = known || key.kid == kid;
        }
        if (known || (!jwks_.empty() && now_s - jwks_fetched_s_ < 60)) return jwks_;
    }
    const std::string body = get(discovery().jwks_uri);
    auto parsed = oidc::parse_jwks(body);
    if (!parsed) throw std::runtime_error("the JWKS " + parsed.problems()[0].detail);
    const std::lock_guard lock(mutex_);
    jwks_ = parsed.value();
    jwks_fetched_s_ = now_s;
    return jwks_;
}

Result<std::string> OidcClient::exchange(const std::string& code, const std::string& code_verifier) {
    const Target target = split(discovery().token_endpoint);
    std::vector<std::pair<std::string, std::string>> form{{"grant_type", "authorization_code"},
                                                          {"code", code},
                                                          {"redirect_uri", config_.redirect_uri},
                                                          {"code_verifier", code_verifier}};
    std::map<std::string, std::string> headers{{"content-type", "application/x-www-form-urlencoded"},
                                               {"accept", "application/json"}};
    if (config_.client_secret_post) {
        form.emplace_back("client_id", config_.client_id);
        form.emplace_back("client_secret", config_.client_secret);
    } else {
        // client_secret_basic: both parts form-encoded first (RFC 6749 section 2.3.1).
        std::string pair = oidc::form_encode({{"a", config_.client_id}}).substr(2) + ":" +
                           oidc::form_encode({{"a", config_.client_secret}}).substr(2);
        headers["authorization"] = "Basic " + base64_encode(as_bytes(pair));
    }
    integration::KeepAliveClient client(target.origin, config_.ca_file, std::chrono::milliseconds(config_.timeout_ms));
    const auto reply = client.send("POST", target.path_and_query, headers, oidc::form_encode(form));
    if (reply.status == 0) throw std::runtime_error("the identity provider did not answer: " + reply.error);
    if (reply.status != 200)
        return Problem{"/code", "the identity provider refused the code (" + std::to_string(reply.status) + ")"};
    return oidc::parse_token_response(reply.body);
}

}  // namespace eenplan::service

#include "http/admin_auth.hpp"

#include <fstream>
#include <sstream>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/json_bounds.hpp"

namespace eenplan::service {

Result<AdminAuth> AdminAuth::from_file(const std::optional<std::string>& path) {
    if (!path) return AdminAuth(std::nullopt);
    std::ifstream in(*path);
    if (!in) return Problem{"/admin/jwt_secret_file", "the file " + *path + " cannot be read"};
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = Poco::trim(text.str());
    if (secret.size() < 32)
        return Problem{"/admin/jwt_secret_file", "the file " + *path + " must hold at least 32 characters"};
    return AdminAuth(std::move(secret));
}

namespace {

constexpr std::size_t max_token_size = 8192;

// JOSE's base64url, canonical spelling only (eenplan/core/encoding.hpp), as text.
std::optional<std::string> base64url_decode(std::string_view text) {
    const auto bytes = eenplan::base64url_decode(text);
    if (!bytes) return std::nullopt;
    return std::string(bytes->begin(), bytes->end());
}

Poco::JSON::Object::Ptr json_object(const std::string& text) {
    if (json_bounds::check(text)) return nullptr;
    try {
        const auto value = Poco::JSON::Parser().parse(text);
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
        return value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return nullptr;
    }
}

// A NumericDate claim (RFC 7519 section 2): a JSON number, whole seconds.
std::optional<std::int64_t> numeric_date(const Poco::JSON::Object& claims, const std::string& name) {
    const auto value = claims.get(name);
    if (value.isEmpty() || !value.isNumeric() || value.isString()) return std::nullopt;
    try {
        const double seconds = value.convert<double>();
        if (!(seconds >= 0 && seconds < 1e15)) return std::nullopt;
        return static_cast<std::int64_t>(seconds);
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

bool names_audience(const Poco::JSON::Object& claims, const std::string& audience) {
    const auto value = claims.get("aud");
    if (value.isString()) return value.extract<std::string>() == audience;
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        for (const auto& item : *value.extract<Poco::JSON::Array::Ptr>()) {
            if (item.isString() && item.extract<std::string>() == audience) return true;
        }
    }
    return false;
}

}  // namespace

std::variant<AdminIdentity, AdminRefusal> AdminAuth::authenticate(const std::string& authorization, AdminAccess access,
                                                                  std::int64_t now_s) const {
    if (!secret_) return AdminRefusal{401, "this hub has no admin credentials configured"};
    static const std::string scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || Poco::icompare(authorization.substr(0, scheme.size()), scheme) != 0) {
        return AdminRefusal{401, "an Authorization: Bearer token is required"};
    }
    const std::string text = Poco::trim(authorization.substr(scheme.size()));
    const auto first_dot = text.find('.');
    const auto second_dot = first_dot == std::string::npos ? std::string::npos : text.find('.', first_dot + 1);
    if (text.size() > max_token_size || second_dot == std::string::npos ||
        text.find('.', second_dot + 1) != std::string::npos) {
        return AdminRefusal{401, "the token is malformed"};
    }
    const std::string_view signed_part = std::string_view(text).substr(0, second_dot);
    const auto header = base64url_decode(std::string_view(text).substr(0, first_dot));
    const auto payload = base64url_decode(std::string_view(text).substr(first_dot + 1, second_dot - first_dot - 1));
    const auto signature = base64url_decode(std::string_view(text).substr(second_dot + 1));
    if (!header || !payload || !signature) return AdminRefusal{401, "the token is malformed"};
    const auto header_json = json_object(*header);
    if (!header_json || header_json->optValue<std::string>("alg", "") != "HS256") {
        return AdminRefusal{401, "the token is not an HS256 JWT"};
    }

    // HMAC-SHA256 over "header.payload", compared in constant time (RFC 7515 section 5.2).
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_size = 0;
    if (HMAC(EVP_sha256(), secret_->data(), static_cast<int>(secret_->size()),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac,
             &mac_size) == nullptr) {
        return AdminRefusal{401, "the token's signature is not valid"};
    }
    if (signature->size() != mac_size || CRYPTO_memcmp(signature->data(), mac, mac_size) != 0) {
        return AdminRefusal{401, "the token's signature is not valid"};
    }

    const auto claims = json_object(*payload);
    if (!claims) return AdminRefusal{401, "the token is malformed"};
    if (!claims->get("iss").isString() || claims->getValue<std::string>("iss") != rules_.issuer) {
        return AdminRefusal{401, "the token's issuer (iss) is not the expected one"};
    }
    if (!names_audience(*claims, rules_.audience)) {
        return AdminRefusal{401, "the token is not meant for this API (aud)"};
    }
    if (!claims->has("exp")) return AdminRefusal{401, "the token has no expiry (exp)"};
    const auto expires = numeric_date(*claims, "exp");
    if (!expires) return AdminRefusal{401, "the token's expiry (exp) is not a number of seconds"};
    if (*expires <= now_s) return AdminRefusal{401, "the token has expired"};
    if (*expires - now_s > rules_.max_lifetime_s)
        return AdminRefusal{401, "the token lives longer than this hub accepts"};
    if (claims->has("nbf")) {
        const auto not_before = numeric_date(*claims, "nbf");
        if (!not_before) return AdminRefusal{401, "the token's nbf is not a number of seconds"};
        if (*not_before > now_s + rules_.leeway_s) return AdminRefusal{401, "the token is not valid yet (nbf)"};
    }
    const std::string subject = claims->get("sub").isString() ? claims->getValue<std::string>("sub") : std::string();
    if (subject.empty()) return AdminRefusal{401, "the token names no subject (sub)"};

    const std::string on_behalf_of =
        claims->get("on_behalf_of").isString() ? claims->getValue<std::string>("on_behalf_of") : std::string();
    std::vector<std::string> roles;
    if (claims->isArray("roles")) {
        const auto list = claims->getArray("roles");
        for (std::size_t i = 0; i < list->size(); ++i) roles.push_back(list->get(static_cast<unsigned>(i)).toString());
    }
    return grant_access(subject, on_behalf_of, roles, access);
}

std::variant<AdminIdentity, AdminRefusal> grant_access(const std::string& subject, const std::string& on_behalf_of,
                                                       const std::vector<std::string>& roles, AdminAccess access) {
    std::string roles_held;
    bool admin = false;
    bool privacy_officer = false;
    bool auditor = false;
    for (const std::string& role : roles) {
        admin = admin || role == "admin";
        privacy_officer = privacy_officer || role == "privacy_officer";
        auditor = auditor || role == "auditor";
        if (role == "admin" || role == "privacy_officer" || role == "auditor") {
            roles_held += (roles_held.empty() ? "" : ",") + role;
        }
    }
    const auto refuse = [&](std::string detail) {
        return AdminRefusal{403, std::move(detail), subject, on_behalf_of, roles_held};
    };
    switch (access) {
        case AdminAccess::write:
            if (!admin) return refuse("this needs the admin role");
            return AdminIdentity{subject, on_behalf_of, "admin"};
        case AdminAccess::read:
            if (admin) return AdminIdentity{subject, on_behalf_of, "admin"};
            if (privacy_officer) return AdminIdentity{subject, on_behalf_of, "privacy_officer"};
            if (auditor) return AdminIdentity{subject, on_behalf_of, "auditor"};
            return refuse("this needs the admin, privacy_officer or auditor role");
        case AdminAccess::audit:
            if (privacy_officer) return AdminIdentity{subject, on_behalf_of, "privacy_officer"};
            if (auditor) return AdminIdentity{subject, on_behalf_of, "auditor"};
            return refuse("this needs the privacy_officer or auditor role");
        case AdminAccess::privacy:
            if (privacy_officer) return AdminIdentity{subject, on_behalf_of, "privacy_officer"};
            return refuse("this needs the privacy_officer role");
    }
    return refuse("this access is not known");
}

}  // namespace eenplan::service

#include "http/admin_auth.hpp"

#include <fstream>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/String.h>

namespace eenplan::service {

Result<AdminAuth> AdminAuth::from_file(const std::optional<std::string>& path) {
    if (!path) return AdminAuth(std::nullopt);
    std::ifstream in(*path);
    if (!in) return Problem{"/admin/jwt_secret_file", "the file " + *path + " cannot be read"};
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = Poco::trim(text.str());
    if (secret.size() < 32) return Problem{"/admin/jwt_secret_file", "the file " + *path + " must hold at least 32 characters"};
    return AdminAuth(std::move(secret));
}

std::variant<AdminIdentity, AdminRefusal> AdminAuth::authenticate(const std::string& authorization,
                                                                  AdminAccess access, std::int64_t now_s) const {
    if (!secret_) return AdminRefusal{401, "this hub has no admin credentials configured"};
    static const std::string scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || Poco::icompare(authorization.substr(0, scheme.size()), scheme) != 0) {
        return AdminRefusal{401, "an Authorization: Bearer token is required"};
    }
    Poco::JWT::Token token;
    try {
        Poco::JWT::Signer signer(*secret_);  // HS256 only: the signer's default algorithm set
        if (!signer.tryVerify(Poco::trim(authorization.substr(scheme.size())), token)) {
            return AdminRefusal{401, "the token's signature is not valid"};
        }
    } catch (const Poco::Exception&) {
        return AdminRefusal{401, "the token is malformed"};
    }
    const auto expires = token.getExpiration().epochTime();
    if (expires == 0) return AdminRefusal{401, "the token has no expiry (exp)"};
    if (expires <= now_s) return AdminRefusal{401, "the token has expired"};
    if (token.getSubject().empty()) return AdminRefusal{401, "the token names no subject (sub)"};

    bool admin = false;
    bool privacy_officer = false;
    const auto& payload = token.payload();
    if (payload.isArray("roles")) {
        const auto roles = payload.getArray("roles");
        for (std::size_t i = 0; i < roles->size(); ++i) {
            const std::string role = roles->get(static_cast<unsigned>(i)).toString();
            admin = admin || role == "admin";
            privacy_officer = privacy_officer || role == "privacy_officer";
        }
    }
    if (access == AdminAccess::write && !admin) return AdminRefusal{403, "this needs the admin role"};
    if (access == AdminAccess::read && !admin && !privacy_officer) {
        return AdminRefusal{403, "this needs the admin or privacy_officer role"};
    }
    return AdminIdentity{token.getSubject()};
}

}  // namespace eenplan::service

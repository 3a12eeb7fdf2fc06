#include "outbound/zgw_token.hpp"

#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

namespace eenplan::integration {

std::string zgw_token(const std::string& client_id, const std::string& secret, std::int64_t now_s) {
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setIssuer(client_id);
    token.setIssuedAt(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(now_s)));
    token.payload().set("client_id", client_id);
    token.payload().set("user_id", "eenplan");
    token.payload().set("user_representation", "eenplan hub");
    Poco::JWT::Signer signer(secret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

std::string verify_zgw_token(const std::string& authorization, const std::string& secret, std::int64_t now_s,
                             std::int64_t leeway_s) {
    static const std::string scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || Poco::icompare(authorization.substr(0, scheme.size()), scheme) != 0) {
        return {};
    }
    try {
        Poco::JWT::Signer signer(secret);
        Poco::JWT::Token token;
        if (!signer.tryVerify(Poco::trim(authorization.substr(scheme.size())), token)) return {};
        const std::int64_t iat = token.getIssuedAt().epochTime();
        if (iat == 0 || iat > now_s + leeway_s || iat < now_s - leeway_s) return {};
        const std::string client_id = token.payload().optValue<std::string>("client_id", "");
        if (client_id.empty() || token.getIssuer() != client_id) return {};
        return client_id;
    } catch (const Poco::Exception&) {
        return {};
    }
}

}  // namespace eenplan::integration

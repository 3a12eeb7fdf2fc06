// JWT-ZGW: the bearer token of the "API's voor Zaakgericht Werken" (VNG, "Autorisatie" in the
// ZGW standard; Open Zaak accepts it as configured per Applicatie): HS256 over a shared secret,
// with iss and client_id naming the calling application, iat the time of issue, and user_id and
// user_representation for the audit trail.
#pragma once

#include <cstdint>
#include <string>

namespace eenplan::integration {

std::string zgw_token(const std::string& client_id, const std::string& secret, std::int64_t now_s);

// The client_id of a valid token under `secret` issued within `leeway_s` of now_s, or empty.
std::string verify_zgw_token(const std::string& authorization, const std::string& secret, std::int64_t now_s,
                             std::int64_t leeway_s = 300);

}  // namespace eenplan::integration

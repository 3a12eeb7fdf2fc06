// The body of POST /console/api/login: {"username": "...", "password": "..."}, nothing else.
#pragma once

#include <string>
#include <string_view>

#include "eenplan/core/result.hpp"

namespace eenplan::service {

struct LoginRequest {
    std::string username;
    std::string password;
};

Result<LoginRequest> parse_login_request(std::string_view json);

}  // namespace eenplan::service

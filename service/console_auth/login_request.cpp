#include "console_auth/login_request.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "eenplan/core/json_bounds.hpp"

namespace eenplan::service {

Result<LoginRequest> parse_login_request(std::string_view json) {
    if (json.size() > 8192 || json_bounds::check(json)) return Problem{"", "the body is not a login"};
    Poco::JSON::Object::Ptr object;
    try {
        const auto value = Poco::JSON::Parser().parse(std::string(json));
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) return Problem{"", "the body is not a JSON object"};
        object = value.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return Problem{"", "the body is not JSON"};
    }
    Problems problems;
    for (const auto& [name, value] : *object) {
        if (name != "username" && name != "password") problems.push_back({"/" + name, "is not a login field"});
    }
    const auto text = [&](const char* name, std::size_t max) {
        const auto value = object->get(name);
        if (!value.isString()) {
            problems.push_back({std::string("/") + name, "must be a string"});
            return std::string();
        }
        std::string out = value.extract<std::string>();
        if (out.empty() || out.size() > max) {
            problems.push_back({std::string("/") + name, "must hold 1 to " + std::to_string(max) + " characters"});
        }
        return out;
    };
    LoginRequest out{text("username", 200), text("password", 1024)};
    if (!problems.empty()) return problems;
    return out;
}

}  // namespace eenplan::service

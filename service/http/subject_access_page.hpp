// The subject access export (AVG art. 15) as a page a privacy officer can hand over: Dutch, one
// self-contained HTML document without scripts, every value escaped.
#pragma once

#include <string>
#include <string_view>

#include <Poco/JSON/Object.h>

namespace eenplan::service {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// `report` is the JSON export of GET /v1/privacy/subjects/{id}/access.
std::string subject_access_html(const Poco::JSON::Object::Ptr& report);

}  // namespace eenplan::service

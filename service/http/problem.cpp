#include "http/problem.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "eenplan/core/redaction.hpp"
#include "http/response.hpp"

namespace eenplan::service {

void send_problem(Poco::Net::HTTPServerResponse& response, const ProblemDetails& problem) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("type", "https://eenplan.nl/problems/" + problem.type);
    body.set("title", problem.title);
    body.set("status", static_cast<int>(problem.status));
    if (!problem.detail.empty()) body.set("detail", redact_person_numbers(problem.detail));
    if (!problem.errors.empty()) {
        Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
        for (const Problem& p : problem.errors) {
            Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            error->set("pointer", redact_person_numbers(p.pointer));
            error->set("detail", redact_person_numbers(p.detail));
            errors->add(error);
        }
        body.set("errors", errors);
    }
    response.setStatusAndReason(problem.status);
    std::ostringstream text;
    body.stringify(text);
    send_body(response, "application/problem+json", text.str());
}

void send_not_found(Poco::Net::HTTPServerResponse& response, const std::string& detail) {
    send_problem(response, {Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "not-found", "Not found", detail, {}});
}

}  // namespace eenplan::service

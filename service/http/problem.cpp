#include "http/problem.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <iterator>
#include <sstream>

#include "eenplan/core/redaction.hpp"
#include "http/response.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

// In the order of ProblemType.
const ProblemKind catalogue[] = {
    {Status::HTTP_BAD_REQUEST, "malformed-json", "Malformed JSON"},
    {Status::HTTP_BAD_REQUEST, "invalid-query", "The query is not valid"},
    {Status::HTTP_UNAUTHORIZED, "unauthenticated", "Authentication required"},
    {Status::HTTP_FORBIDDEN, "forbidden", "Not allowed"},
    {Status::HTTP_NOT_FOUND, "not-found", "Not found"},
    {Status::HTTP_METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed"},
    {Status::HTTP_REQUEST_ENTITY_TOO_LARGE, "body-too-large", "The body is too large"},
    {Status::HTTP_UNSUPPORTEDMEDIATYPE, "unsupported-media-type", "Unsupported media type"},
    {Status::HTTP_UNPROCESSABLE_ENTITY, "invalid-request", "The request is not valid"},
    {Status::HTTP_UNPROCESSABLE_ENTITY, "invalid-signal", "The signal is not valid"},
    {Status::HTTP_UNPROCESSABLE_ENTITY, "invalid-task", "The task is not valid"},
    {Status::HTTP_UNPROCESSABLE_ENTITY, "override-refused", "The deviation cannot be applied"},
    {Status::HTTP_CONFLICT, "record-conflict", "The records do not allow this"},
    {Status::HTTP_CONFLICT, "delivery-conflict", "The delivery does not allow this"},
    {Status::HTTP_CONFLICT, "privacy-conflict", "The agreement or consent does not allow this"},
    {Status::HTTP_BAD_REQUEST, "malformed-request", "Malformed HTTP request"},
    {Status::HTTP_TOO_MANY_REQUESTS, "rate-limited", "Too many requests"},
    {Status::HTTP_INTERNAL_SERVER_ERROR, "internal-error", "Internal error"},
    {Status::HTTP_SERVICE_UNAVAILABLE, "store-unavailable", "The database is unavailable"},
    {Status::HTTP_SERVICE_UNAVAILABLE, "not-ready", "Not ready"},
};
static_assert(std::size(catalogue) == static_cast<std::size_t>(ProblemType::not_ready) + 1);

}  // namespace

const ProblemKind& describe(ProblemType type) { return catalogue[static_cast<std::size_t>(type)]; }

const ProblemKind* find_problem_kind(const std::string& slug) {
    for (const ProblemKind& kind : catalogue) {
        if (slug == kind.type) return &kind;
    }
    return nullptr;
}

void send_problem(Poco::Net::HTTPServerResponse& response, ProblemType type, std::string detail, Problems errors) {
    const ProblemKind& kind = describe(type);
    send_problem(response, {kind.status, kind.type, kind.title, std::move(detail), std::move(errors)});
}

void send_problem(Poco::Net::HTTPServerResponse& response, const ProblemDetails& given) {
    ProblemDetails problem = given;
    if (const ProblemKind* kind = find_problem_kind(given.type)) {
        problem.status = kind->status;
        problem.title = kind->title;
    }
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
    send_problem(response, ProblemType::not_found, detail);
}

}  // namespace eenplan::service

// RFC 9457 problem details: every error answer of the service is written here, so the shape and
// the privacy rule (no personal data in a detail) hold in one place.
#pragma once

#include <string>

#include <Poco/Net/HTTPServerResponse.h>

#include "eenplan/core/result.hpp"

namespace eenplan::service {

// The catalogue: one problem type, one status and one title (RFC 9457 section 3.1). A syntax error
// in what was sent is 400 (malformed-json, invalid-query); a well-formed body that breaks its schema
// or the domain's rules is 422 (invalid-request, invalid-signal, invalid-task, override-refused).
enum class ProblemType {
    malformed_json,          // 400: the body is not JSON
    invalid_query,           // 400: a query parameter has a value the resource does not take
    unauthenticated,         // 401
    forbidden,               // 403
    not_found,               // 404
    method_not_allowed,      // 405 (with Allow)
    body_too_large,          // 413
    unsupported_media_type,  // 415
    invalid_request,         // 422: an admin request body against its schema
    invalid_signal,          // 422
    invalid_task,            // 422
    override_refused,        // 422
    record_conflict,         // 409
    delivery_conflict,       // 409
    privacy_conflict,        // 409: an agreement revoked already, a consent withdrawn already
    malformed_request,       // 400: the HTTP request itself cannot be parsed (before any route)
    rate_limited,            // 429 (with Retry-After)
    internal_error,          // 500
    store_unavailable,       // 503 (with Retry-After)
    not_ready,               // 503
};

struct ProblemKind {
    Poco::Net::HTTPResponse::HTTPStatus status;
    const char* type;  // slug under https://eenplan.nl/problems/
    const char* title;
};

const ProblemKind& describe(ProblemType type);
// The catalogue entry of a slug, or null for a slug not (yet) in the catalogue.
const ProblemKind* find_problem_kind(const std::string& slug);

struct ProblemDetails {
    Poco::Net::HTTPResponse::HTTPStatus status;
    std::string type;    // slug under https://eenplan.nl/problems/, e.g. "invalid-signal"
    std::string title;   // the same for every occurrence of this type
    std::string detail;  // this occurrence
    Problems errors;     // the "errors" extension member: {pointer, detail} per failing location
};

void send_problem(Poco::Net::HTTPServerResponse& response, ProblemType type, std::string detail, Problems errors = {});
// For a type in the catalogue, the catalogue's status and title are sent whatever `problem` says,
// so one type never has two statuses.
void send_problem(Poco::Net::HTTPServerResponse& response, const ProblemDetails& problem);
// 404 "not-found" with a sentence saying what was not found.
void send_not_found(Poco::Net::HTTPServerResponse& response, const std::string& detail);

}  // namespace eenplan::service

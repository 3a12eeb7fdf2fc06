// RFC 9457 problem details: every error answer of the service is written here, so the shape and
// the privacy rule (no personal data in a detail) hold in one place.
#pragma once

#include <string>

#include <Poco/Net/HTTPServerResponse.h>

#include "eenplan/core/result.hpp"

namespace eenplan::service {

struct ProblemDetails {
    Poco::Net::HTTPResponse::HTTPStatus status;
    std::string type;   // slug under https://eenplan.nl/problems/, e.g. "invalid-signal"
    std::string title;  // the same for every occurrence of this type
    std::string detail; // this occurrence
    Problems errors;    // the "errors" extension member: {pointer, detail} per failing location
};

void send_problem(Poco::Net::HTTPServerResponse& response, const ProblemDetails& problem);
// 404 "not-found" with a sentence saying what was not found.
void send_not_found(Poco::Net::HTTPServerResponse& response, const std::string& detail);

}  // namespace eenplan::service

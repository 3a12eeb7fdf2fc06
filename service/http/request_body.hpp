// The request body, read once and bounded, and what happens to a body nobody read. An answer
// given before the body was read (404, 401, 403, 405, 413, ...) must not leave the body in the
// connection: the next "request" would be parsed out of it (request smuggling behind a proxy).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace eenplan::service {

// The whole body when it has at most `limit` bytes; nullopt when it is larger (then only
// `limit` + 1 bytes were read, and finish_body closes the connection after the answer).
std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit);

// What RouteHandler does after every answer: a body left unread is drained when it is small
// (at most `drain_limit` bytes, so the connection can carry the next request), otherwise the
// connection is closed ("Connection: close" when the answer was not sent yet).
void finish_body(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                 std::size_t drain_limit = std::size_t{64} * 1024);

}  // namespace eenplan::service

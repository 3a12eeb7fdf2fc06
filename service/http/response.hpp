// Sends a complete body with its Content-Length, so the connection can stay open for the next
// request (without a length, HTTP/1.1 must close the connection to mark the end of the body).
#pragma once

#include <string>

#include <Poco/Net/HTTPServerResponse.h>

namespace eenplan::service {

inline void send_body(Poco::Net::HTTPServerResponse& response, const std::string& content_type,
                      const std::string& body) {
    response.setContentType(content_type);
    response.sendBuffer(body.data(), body.size());
}

}  // namespace eenplan::service

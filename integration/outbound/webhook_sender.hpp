// Posts a JSON body signed per Standard Webhooks over HTTP or HTTPS. Used by the school simulator
// and the tests today; the outbound task connector builds on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "eenplan/core/encoding.hpp"

namespace eenplan::integration {

struct WebhookResponse {
    int status = 0;
    std::string content_type;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
};

struct WebhookTarget {
    std::string url;                     // http://127.0.0.1:8080/v1/... or https://...
    std::optional<std::string> ca_file;  // PEM file to trust for https (a private CA or a self-signed server)
    std::chrono::milliseconds timeout{10'000};
};

class WebhookSender {
public:
    explicit WebhookSender(WebhookTarget target);

    // Signs with `secret` at `timestamp` (Unix seconds) and posts. A transport failure throws
    // Poco::Exception; an HTTP error status is returned, not thrown.
    WebhookResponse post(std::string_view webhook_id, std::int64_t timestamp, const std::string& body,
                         const Bytes& secret) const;

    // Posts with the given headers as they are, for tests that send malformed requests.
    WebhookResponse post_raw(const std::map<std::string, std::string>& headers, const std::string& body) const;

private:
    WebhookTarget target_;
};

}  // namespace eenplan::integration

#include "outbound/webhook_connector.hpp"

#include <Poco/URI.h>

#include "eenplan/core/standard_webhooks.hpp"

namespace eenplan::integration {

std::string describe_status(int status) {
    if (status >= 200 && status < 300) return "";
    if (status == 410) return "the receiver answered 410 Gone";
    if (status == 429) return "the receiver answered 429 Too Many Requests";
    if (status >= 500) return "the receiver answered " + std::to_string(status) + " (server error)";
    return "the receiver refused the task with " + std::to_string(status);
}

WebhookConnector::WebhookConnector(WebhookEndpoint endpoint)
    : endpoint_(std::move(endpoint)),
      path_(Poco::URI(endpoint_.url).getPathAndQuery()),
      client_(endpoint_.url, endpoint_.ca_file, endpoint_.timeout) {
    if (path_.empty()) path_ = "/";
}

ConnectorAnswer WebhookConnector::deliver(const OutboundDelivery& d) {
    const HttpReply reply =
        client_.send("POST", path_,
                     {{"content-type", "application/json"},
                      {"webhook-id", d.delivery_id},
                      {"webhook-timestamp", std::to_string(d.now_s)},
                      {"webhook-signature", webhooks::sign(endpoint_.secret, d.delivery_id, d.now_s, d.payload)},
                      {"x-correlation-id", d.correlation_id}},
                     d.payload);
    ConnectorAnswer answer;
    answer.status = reply.status;
    answer.error = reply.status == 0 ? reply.error : describe_status(reply.status);
    if (const auto it = reply.headers.find("retry-after"); it != reply.headers.end()) {
        answer.retry_after = parse_retry_after(it->second, d.now_s);
    }
    return answer;
}

}  // namespace eenplan::integration

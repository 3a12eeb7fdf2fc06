// Standard Webhooks out, for any receiver that speaks it, and for the eenplan Node-RED nodes'
// task-in endpoint (module/nodes/eenplan-task-in.js), which verifies the same signature and
// answers 202, or 200 {"status":"duplicate"} for a webhook-id it has seen. The body is the task
// JSON; every attempt of one delivery carries the same webhook-id, signed anew with the
// recipient's own secret at the attempt's timestamp.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "eenplan/core/encoding.hpp"
#include "outbound/connector.hpp"
#include "outbound/http_client.hpp"

namespace eenplan::integration {

struct WebhookEndpoint {
    std::string url;
    Bytes secret;
    std::optional<std::string> ca_file;
    std::chrono::milliseconds timeout{5000};
};

class WebhookConnector : public Connector {
public:
    explicit WebhookConnector(WebhookEndpoint endpoint);
    ConnectorAnswer deliver(const OutboundDelivery& delivery) override;

private:
    WebhookEndpoint endpoint_;
    std::string path_;
    KeepAliveClient client_;
};

// An answer's status as one sentence for the attempt log (no body text: it may quote anything).
std::string describe_status(int status);

}  // namespace eenplan::integration

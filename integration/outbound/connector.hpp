// The outbound side of a connector: one delivery of one task to one recipient's system. A
// connector instance holds its own keep-alive connection, so it is used by one thread at a time;
// the dispatcher keeps one per recipient per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace eenplan::integration {

struct OutboundDelivery {
    std::string delivery_id;  // the stable idempotency key, sent as webhook-id
    std::string payload;      // the task JSON (outbound/task_json.hpp)
    std::string correlation_id;
    std::int64_t now_s = 0;  // Unix seconds: webhook-timestamp, JWT iat, zaak start date
};

struct ConnectorAnswer {
    int status = 0;                                   // the deciding HTTP status; 0: no answer
    std::string error;                                // one sentence when not delivered
    std::optional<std::chrono::seconds> retry_after;  // from a Retry-After header
    std::optional<std::string> external_reference;    // e.g. the zaak URL in the recipient's system
};

class Connector {
public:
    virtual ~Connector() = default;
    virtual ConnectorAnswer deliver(const OutboundDelivery& delivery) = 0;
};

}  // namespace eenplan::integration

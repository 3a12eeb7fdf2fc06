// POST /v1/sources/{sourceId}/signals: a signed signal from a school or municipal system.
#pragma once

#include <Poco/Message.h>

#include "common/log_event.hpp"
#include "http/route_handler.hpp"
#include "ingest/authenticator.hpp"
#include "ingest/ingest_pipeline.hpp"

namespace eenplan::service {

// Where a signal came from: sent as a canonical envelope, or mapped by an inbound adapter from a
// vendor's payload (then the hub made the JSON, and an invalid result is the mapping's fault).
enum class SignalOrigin { sent, mapped };

// The outcome answered for a request the authentication step refused (404 or 401).
IngestOutcome refused_outcome(const AuthRefusal& refusal);

// The log line of one answered signal (common/log_event.hpp); the caller adds its own fields.
struct IngestLogLine {
    Poco::Message::Priority priority = Poco::Message::PRIO_INFORMATION;
    const char* event = "";
    const char* text = "";
    LogFields fields;
};

// The answer to a pipeline outcome, shared by the ingest endpoint and the inbound adapters: 202 or
// 200 with the ids, or the problem; returns its log line.
IngestLogLine answer_ingest(const IngestOutcome& outcome, SignalOrigin origin, Poco::Net::HTTPServerResponse& response);

class IngestHandler : public RouteHandler {
public:
    static constexpr const char* route = "/v1/sources/{sourceId}/signals";

    IngestHandler(ServiceContext& context, std::string source_id)
        : RouteHandler(context, route), source_id_(std::move(source_id)) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string source_id_;
};

}  // namespace eenplan::service

// The ingest pipeline, free of HTTP: verify the signature, deduplicate, parse, validate,
// pseudonymise and store a signal. The HTTP handler maps its outcome to a response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "eenplan/core/standard_webhooks.hpp"
#include "identity/hub_pseudonymiser.hpp"
#include "store/signal_store.hpp"

namespace eenplan::service {

struct IngestRequest {
    std::string_view source_id;
    webhooks::Headers headers;
    std::string_view body;
    std::int64_t now_us;
};

enum class IngestStatus {
    accepted,        // stored now
    duplicate,       // this webhook-id from this source was stored before
    unknown_source,
    unauthorised,    // signature or timestamp rejected
    malformed,       // not JSON
    invalid,         // schema or domain rules violated
};

struct IngestOutcome {
    IngestStatus status;
    std::optional<SignalIds> ids;
    std::string detail;  // one sentence, free of personal data
    Problems problems;   // for `invalid`: every failing location
    std::string signal_type;
};

class IngestPipeline {
public:
    IngestPipeline(const Config& config, SignalStore& store, const HubPseudonymiser& pseudonymiser);

    // Throws StoreUnavailable when the database cannot take the signal now.
    IngestOutcome ingest(const IngestRequest& request) const;

private:
    const SourceConfig* find_source(std::string_view id) const;

    const Config& config_;
    SignalStore& store_;
    const HubPseudonymiser& pseudonymiser_;
};

}  // namespace eenplan::service

// The ingest pipeline, free of HTTP: verify the signature, deduplicate, parse, validate,
// pseudonymise (and encode linkage attributes), then store the signal and file it on its pupil and
// family records in one transaction (record/record_keeper.hpp). The HTTP handler maps its outcome
// to a response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/JSON/Object.h>

#include "config/config.hpp"
#include "eenplan/core/standard_webhooks.hpp"
#include "eenplan/core/linkage/linkage_index.hpp"
#include "identity/hub_pseudonymiser.hpp"
#include "record/record_input.hpp"
#include "record/record_keeper.hpp"
#include "common/store_types.hpp"

namespace eenplan::service {

class SignalStore;  // store/signal_store.hpp

struct IngestRequest {
    std::string_view source_id;
    webhooks::Headers headers;
    std::string_view body;
    std::int64_t now_us;
    // Set by an inbound adapter (integration/inbound/) that authenticated the vendor's own
    // request and mapped it to this canonical body; headers.id still deduplicates.
    bool authenticated_by_adapter = false;
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
    // `encoder` is null when no linkage key is configured: subject.attributes are then refused.
    IngestPipeline(const Config& config, SignalStore& store, const HubPseudonymiser& pseudonymiser,
                   RecordKeeper& records, const linkage::RecordEncoder* encoder);

    // Throws StoreUnavailable when the database cannot take the signal now.
    IngestOutcome ingest(const IngestRequest& request) const;

private:
    const SourceConfig* find_source(std::string_view id) const;
    // Pseudonymises every identifier of one subject; problems point under `pointer`.
    Result<std::vector<HubPseudonym>> pseudonymise_identities(const Poco::JSON::Object& subject,
                                                              const std::string& pointer) const;
    // The subject, household or move of a schema-valid signal, pseudonymised and encoded.
    Result<RecordInput> record_input(const Poco::JSON::Object& signal, const std::string& type) const;

    const Config& config_;
    SignalStore& store_;
    const HubPseudonymiser& pseudonymiser_;
    RecordKeeper& records_;
    const linkage::RecordEncoder* encoder_;
};

}  // namespace eenplan::service

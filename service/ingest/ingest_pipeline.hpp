// The ingest pipeline, free of HTTP, for an authenticated source (ingest/authenticator.hpp):
// deduplicate, parse, validate into the typed signal (codec/signal_json.hpp), pseudonymise (and encode linkage attributes), then store the signal and file it on its pupil and
// family records in one transaction (record/record_keeper.hpp) shared with the signals other
// threads are storing at the same time (group commit, ingest/batch_writer.hpp), and publish
// "signal stored". The HTTP handler maps its outcome to a response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/JSON/Object.h>

#include "config/config.hpp"
#include "eenplan/core/signal.hpp"
#include "eenplan/core/standard_webhooks.hpp"
#include "eenplan/core/linkage/linkage_index.hpp"
#include "identity/hub_pseudonymiser.hpp"
#include "ingest/authenticator.hpp"
#include "ingest/batch_writer.hpp"
#include "ingest/signal_stored.hpp"
#include "record/record_input.hpp"
#include "record/record_keeper.hpp"
#include "common/store_types.hpp"

namespace eenplan::service {

class SignalStore;  // store/signal_store.hpp

enum class IngestStatus {
    accepted,        // stored now
    duplicate,       // this webhook-id from this source was stored before
    unknown_source,  // answered by the authentication step, never by the pipeline
    unauthorised,    // signature, timestamp or token rejected: likewise
    malformed,       // not JSON
    invalid,         // schema or domain rules violated
    forbidden,       // authenticated, but the source may not send this signal (sources[].allow)
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
    // `batch_writers`: how many ingest batches may be in flight at once on PostgreSQL
    // (ingest.batch_writers; 0: the default; BatchWriter::writers_for).
    IngestPipeline(SignalStore& store, const HubPseudonymiser& pseudonymiser, RecordKeeper& records,
                   const linkage::RecordEncoder* encoder, const SignalStoredPublisher& events,
                   std::size_t batch_writers = 0);

    // A signal as its source sent it: the body is the canonical envelope as JSON text, and the
    // verified webhook-id deduplicates. Throws StoreUnavailable when the database cannot take the
    // signal now.
    IngestOutcome ingest(const AuthenticatedSource& source, std::string_view body, std::int64_t now_us) const;

    // A canonical request an inbound adapter mapped from a vendor's payload; it is validated
    // exactly as a sent one. `idempotency_key` deduplicates (the webhook-id, or for a ZGW
    // notification the rol it names).
    IngestOutcome ingest(const AuthenticatedSource& source, const std::string& idempotency_key,
                         const Poco::JSON::Object::Ptr& request, std::int64_t now_us) const;

private:
    IngestOutcome refused_unless_stored(const AuthenticatedSource& source, const std::string& idempotency_key,
                                        IngestOutcome refused) const;
    IngestOutcome validate_and_write(const AuthenticatedSource& source, const std::string& idempotency_key,
                                     const Poco::Dynamic::Var& document, std::int64_t now_us) const;
    IngestOutcome validate_and_store(const AuthenticatedSource& source, const std::string& idempotency_key,
                                     const Poco::Dynamic::Var& document, std::int64_t now_us) const;
    // The subject, household or move of a schema-valid signal, pseudonymised (every identity of
    // the request in one call to the pseudonymiser) and encoded.
    Result<RecordInput> record_input(const Poco::JSON::Object& request, const Signal& signal) const;

    SignalStore& store_;
    const HubPseudonymiser& pseudonymiser_;
    mutable BatchWriter writer_;  // over the RecordKeeper
    const linkage::RecordEncoder* encoder_;
    const SignalStoredPublisher& events_;
};

}  // namespace eenplan::service

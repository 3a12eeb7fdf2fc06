// Prometheus metrics through prometheus-cpp's registry; served as text by the /metrics handler.
// Labels are route patterns, status codes and the ids of configured sources and recipients: never a
// path, an id a request chose, a pupil's id or a pseudonym.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace eenplan::service {

class Metrics {
public:
    Metrics();

    // `method` is recorded as method_label(method): the label takes a fixed set of values, so a
    // client cannot grow the series or put bytes that are not UTF-8 into the exposition.
    void observe_request(const std::string& route, const std::string& method, int status, double seconds);
    [[nodiscard]] static std::string method_label(std::string_view method);
    void observe_ingest(const std::string& outcome, double seconds);
    // One task delivery attempt (or deferral or block by the sharing policy, with 0 s) by recipient id and outcome.
    void observe_delivery(const std::string& recipient, const std::string& outcome, double seconds);

    // The plan worker failed to apply a signal or tick a plan (kind "signal" or "plan"); `parked`
    // when that failure parked it.
    void observe_plan_failure(const std::string& kind, bool parked);

    // An admin request was answered but could not be written to the audit trail.
    void count_audit_failure();

    // A request on one of a source's routes (/v1/sources/{sourceId}/…), by the configured source it
    // named, so an admin sees which system's messages are refused and why. A request naming no
    // configured source is not counted here (its id is the sender's choice).
    void observe_source_request(const std::string& source, const std::string& route, int status);

    // A request refused with 429 by its source's rate limit (`source` is a configured source id).
    void count_rate_limited(const std::string& source);
    // A connection the server closed to protect its workers (http/http_server.hpp): `reason` is one
    // of a fixed set (header_timeout, idle_timeout, read_timeout, pending_full, queue_full).
    void count_connection_closed(const std::string& reason);

    // An ingest batch on PostgreSQL written again row by row (record/record_keeper.hpp): `reason`
    // "conflict" (a race with a batch in flight, of this instance or another, over a new record) or
    // "error" (a statement failed: a signal the store refused, or a defect in the batch's statements).
    void count_ingest_row_by_row(const std::string& reason);

    // The Prometheus text exposition format, version 0.0.4.
    [[nodiscard]] std::string render() const;

private:
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& request_duration_;
    prometheus::Family<prometheus::Histogram>& ingest_duration_;
    prometheus::Family<prometheus::Counter>& deliveries_;
    prometheus::Family<prometheus::Histogram>& delivery_duration_;
    prometheus::Family<prometheus::Counter>& plan_failures_;
    prometheus::Family<prometheus::Counter>& plan_parked_;
    prometheus::Counter& audit_failures_;
    prometheus::Family<prometheus::Counter>& source_requests_;
    prometheus::Family<prometheus::Counter>& rate_limited_;
    prometheus::Family<prometheus::Counter>& connections_closed_;
    prometheus::Family<prometheus::Counter>& ingest_row_by_row_;
};

}  // namespace eenplan::service

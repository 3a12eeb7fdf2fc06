#include "observability/metrics.hpp"

#include <array>

#include <prometheus/text_serializer.h>

namespace eenplan::service {
namespace {

// From 0.5 ms to 5 s: ingest is one durable write, so most answers land in the low milliseconds.
const prometheus::Histogram::BucketBoundaries latency_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,    0.25,  0.5,    1,     2.5,  5};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("eenplan_http_requests_total")
                    .Help("HTTP requests by route pattern, method and status code")
                    .Register(*registry_)),
      request_duration_(prometheus::BuildHistogram()
                            .Name("eenplan_http_request_duration_seconds")
                            .Help("Time to answer an HTTP request, by route pattern")
                            .Register(*registry_)),
      ingest_duration_(prometheus::BuildHistogram()
                           .Name("eenplan_ingest_duration_seconds")
                           .Help("Time from a signal's arrival to its answer, by outcome")
                           .Register(*registry_)),
      deliveries_(prometheus::BuildCounter()
                      .Name("eenplan_deliveries_total")
                      .Help("Task delivery attempts by recipient id and outcome (delivered, retry, dead, deferred)")
                      .Register(*registry_)),
      delivery_duration_(prometheus::BuildHistogram()
                             .Name("eenplan_delivery_duration_seconds")
                             .Help("Time of one task delivery attempt, by recipient id")
                             .Register(*registry_)),
      plan_failures_(prometheus::BuildCounter()
                         .Name("eenplan_plan_failures_total")
                         .Help("Signals the plan worker could not apply and plans it could not tick, by kind")
                         .Register(*registry_)),
      plan_parked_(prometheus::BuildCounter()
                       .Name("eenplan_plan_parked_total")
                       .Help("Signals and plans parked after repeated failures (until POST /v1/parked/retry), by kind")
                       .Register(*registry_)),
      audit_failures_(prometheus::BuildCounter()
                          .Name("eenplan_audit_failures_total")
                          .Help("Admin requests answered but not written to the audit trail (the store refused)")
                          .Register(*registry_)
                          .Add({})),
      source_requests_(prometheus::BuildCounter()
                           .Name("eenplan_source_requests_total")
                           .Help("Requests on a source's routes by configured source id, route pattern and status code")
                           .Register(*registry_)),
      rate_limited_(prometheus::BuildCounter()
                        .Name("eenplan_rate_limited_total")
                        .Help("Requests refused with 429 by their source's rate limit, by source id")
                        .Register(*registry_)),
      connections_closed_(prometheus::BuildCounter()
                              .Name("eenplan_connections_closed_total")
                              .Help("Connections closed to protect the workers (slow, idle or too many), by reason")
                              .Register(*registry_)),
      ingest_row_by_row_(prometheus::BuildCounter()
                             .Name("eenplan_ingest_batches_row_by_row_total")
                             .Help("Ingest batches written again row by row after their batch statements failed, by "
                                   "reason (conflict with a concurrent batch, or error)")
                             .Register(*registry_)) {
    for (const char* reason : {"conflict", "error"}) ingest_row_by_row_.Add({{"reason", reason}});
    for (const char* kind : {"signal", "plan"}) {
        plan_failures_.Add({{"kind", kind}});
        plan_parked_.Add({{"kind", kind}});
    }
}

void Metrics::count_audit_failure() { audit_failures_.Increment(); }

void Metrics::count_rate_limited(const std::string& source) { rate_limited_.Add({{"source", source}}).Increment(); }

void Metrics::count_connection_closed(const std::string& reason) {
    connections_closed_.Add({{"reason", reason}}).Increment();
}

void Metrics::count_ingest_row_by_row(const std::string& reason) {
    ingest_row_by_row_.Add({{"reason", reason}}).Increment();
}

void Metrics::observe_plan_failure(const std::string& kind, bool parked) {
    plan_failures_.Add({{"kind", kind}}).Increment();
    if (parked) plan_parked_.Add({{"kind", kind}}).Increment();
}

std::string Metrics::method_label(std::string_view method) {
    static constexpr std::array<std::string_view, 8> known{"GET",    "HEAD",    "POST",  "PUT",
                                                           "DELETE", "OPTIONS", "PATCH", "TRACE"};
    for (std::string_view k : known) {
        if (method == k) return std::string(k);
    }
    return "other";
}

void Metrics::observe_request(const std::string& route, const std::string& method, int status, double seconds) {
    requests_.Add({{"route", route}, {"method", method_label(method)}, {"status", std::to_string(status)}}).Increment();
    request_duration_.Add({{"route", route}}, latency_buckets).Observe(seconds);
}

void Metrics::observe_source_request(const std::string& source, const std::string& route, int status) {
    source_requests_.Add({{"source", source}, {"route", route}, {"status", std::to_string(status)}}).Increment();
}

void Metrics::observe_ingest(const std::string& outcome, double seconds) {
    ingest_duration_.Add({{"outcome", outcome}}, latency_buckets).Observe(seconds);
}

void Metrics::observe_delivery(const std::string& recipient, const std::string& outcome, double seconds) {
    deliveries_.Add({{"recipient", recipient}, {"outcome", outcome}}).Increment();
    if (outcome != "deferred" && outcome != "lease_lost" && outcome != "blocked" && outcome != "waiting_keyserver")
        delivery_duration_.Add({{"recipient", recipient}}, latency_buckets).Observe(seconds);
}

std::string Metrics::render() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace eenplan::service

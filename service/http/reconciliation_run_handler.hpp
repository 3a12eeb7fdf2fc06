// The reconciliation run resource, for a municipal register too long for one request
// (common/reconciliation.hpp). Every request is signed with Standard Webhooks like the source's
// signals (a GET signs the empty body), and only a source configured with `municipality` may:
//   POST /v1/sources/{sourceId}/reconciliation-runs                        {"parts": n} -> 201, the run
//   POST /v1/sources/{sourceId}/reconciliation-runs/{runId}/parts/{part}   {"children": [...]} -> 200, progress
//   GET  /v1/sources/{sourceId}/reconciliation-runs/{runId}                -> 200, progress or the ended run
//   POST /v1/sources/{sourceId}/reconciliation-runs/{runId}/finish         {} -> 200, the answer (once)
// A part sent again with the same entries is accepted as before (resuming after a lost answer).
// The parts are kept only while the run is open: finishing or expiry deletes them; what stays is
// the run's counts and proof.
#pragma once

#include <string>

#include "http/route_handler.hpp"

namespace eenplan::service {

class ReconciliationRunHandler : public RouteHandler {
public:
    enum class Action { create, part, progress, finish };

    ReconciliationRunHandler(ServiceContext& context, Action action, std::string source_id, std::string run_id = {},
                             std::string part = {})
        : RouteHandler(context),
          action_(action),
          source_id_(std::move(source_id)),
          run_id_(std::move(run_id)),
          part_(std::move(part)) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    Action action_;
    std::string source_id_;
    std::string run_id_;
    std::string part_;
};

}  // namespace eenplan::service

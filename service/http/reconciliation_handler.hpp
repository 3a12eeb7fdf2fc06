// POST /v1/sources/{sourceId}/reconciliations: a municipality reconciles its register of children
// of school age with the hub's enrolments (common/reconciliation.hpp). Signed with Standard
// Webhooks like the source's signals; only a source configured with `municipality` may, and only
// for that municipality. Each part is answered on its own and nothing of the list is stored: a
// run is resumed by sending a part again. The log keeps each part's counts and list digest.
#pragma once

#include <optional>
#include <string>

#include <Poco/JSON/Object.h>

#include "eenplan/core/registration/reconciliation.hpp"
#include "http/route_handler.hpp"

namespace eenplan::service {

struct SourceConfig;

// What every reconciliation request shares before its own work: the source exists, the body fits,
// the Standard Webhooks signature holds, the source is within its rate limit, it is a
// municipality's register, and the hub runs a routeboek. Answers the refusal itself and returns
// nothing; otherwise the source and the body.
struct MunicipalRequest {
    const SourceConfig* source;
    std::string body;
};
// The counts of a reconciliation (a one-shot request or a finished run) as the answer shows them.
Poco::JSON::Object::Ptr reconciliation_counts_json(const registration::ReconciliationCounts& counts);

std::optional<MunicipalRequest> admit_municipal_request(ServiceContext& context, const std::string& source_id,
                                                        Poco::Net::HTTPServerRequest& request,
                                                        Poco::Net::HTTPServerResponse& response);

class ReconciliationHandler : public RouteHandler {
public:
    ReconciliationHandler(ServiceContext& context, std::string source_id)
        : RouteHandler(context, "/v1/sources/{sourceId}/reconciliations"), source_id_(std::move(source_id)) {}

protected:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    std::string source_id_;
};

}  // namespace eenplan::service

// GET /v1/audit: the audit trail for privacy officers and auditors (role privacy_officer or
// auditor), oldest first, paged by sequence: ?after=<sequence>&limit=<1..1000>, optionally
// &actor=<token subject> or &object=<hub id>. Reading the trail is itself written to the trail.
#pragma once

#include "http/record_handlers.hpp"

namespace eenplan::service {

class AuditTrailHandler : public AdminHandler {
public:
    explicit AuditTrailHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::audit) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace eenplan::service

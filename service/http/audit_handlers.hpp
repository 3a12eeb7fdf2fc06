// GET /v1/audit: the audit trail for privacy officers and auditors (role privacy_officer or
// auditor), oldest first, paged by sequence: ?after=<sequence>&limit=<1..1000>, optionally
// &actor=<token subject> or &object=<hub id>. Reading the trail is itself written to the trail.
#pragma once

#include <string>

#include <Poco/JSON/Object.h>

#include "eenplan/core/audit/audit_chain.hpp"
#include "eenplan/core/result.hpp"
#include "http/record_handlers.hpp"

namespace eenplan::service {

struct AuditQuery {
    long long after = 0;
    int limit = 100;
    std::string actor;   // empty: every actor
    std::string object;  // empty: every object
};

// One entry of the trail as GET /v1/audit and the subject access export show it: who, on whose
// behalf, role, route, object ids, outcome (GET /v1/audit adds the entry's hash).
Poco::JSON::Object::Ptr audit_entry_json(const audit::ChainedEntry& stored);

// The query of `uri` for GET /v1/audit: every problem at its parameter's pointer.
Result<AuditQuery> parse_audit_query(const std::string& uri);

class AuditTrailHandler : public AdminHandler {
public:
    explicit AuditTrailHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::audit) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

// GET /v1/audit/verification: every link of the trail checked now, as --verify-audit does (the
// anchor file stays a matter for the command line): {"intact", "checked", "written"} and, for a
// broken trail, the first broken entry's sequence and what is wrong with it. Reads the whole
// trail in batches, so it costs a scan of the audit table.
class AuditVerificationHandler : public AdminHandler {
public:
    explicit AuditVerificationHandler(ServiceContext& context) : AdminHandler(context, AdminAccess::audit) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace eenplan::service

// The privacy officer's retention API (docs/retention.md): purge runs with a dry run, and family
// erasure on request (AVG art. 17). Writing needs the privacy_officer role; the auditor reads.
#pragma once

#include "http/record_handlers.hpp"

namespace eenplan::service {

// POST /v1/privacy/retention-runs {"dry_run"}; GET /v1/privacy/retention-runs[?limit=n]
class RetentionRunsHandler : public AdminHandler {
public:
    RetentionRunsHandler(ServiceContext& context, bool create)
        : AdminHandler(context, create ? AdminAccess::privacy : AdminAccess::audit), create_(create) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    bool create_;
};

// POST /v1/privacy/erasures {"family_id", "reason_code"}; GET /v1/privacy/erasures[?limit=n]
class ErasuresHandler : public AdminHandler {
public:
    ErasuresHandler(ServiceContext& context, bool create)
        : AdminHandler(context, create ? AdminAccess::privacy : AdminAccess::audit), create_(create) {}

protected:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    bool create_;
};

}  // namespace eenplan::service

#include "http/routes.hpp"

#include <algorithm>
#include <string_view>

#include "http/audit_handlers.hpp"
#include "http/console_assets.hpp"
#include "http/console_handlers.hpp"
#include "http/console_session_handlers.hpp"
#include "http/delivery_handlers.hpp"
#include "http/health_handlers.hpp"
#include "http/inbound_handlers.hpp"
#include "http/ingest_handler.hpp"
#include "http/plan_handlers.hpp"
#include "http/privacy_handlers.hpp"
#include "http/reconciliation_handler.hpp"
#include "http/reconciliation_run_handler.hpp"
#include "http/record_handlers.hpp"
#include "http/retention_handlers.hpp"
#include "http/test_clock_handler.hpp"

namespace eenplan::service {
namespace {

using Params = std::vector<std::string>;

const Route table[] = {
    {"GET", "/healthz", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new HealthHandler(c); }},
    {"GET", "/readyz", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new ReadyHandler(c); }},
    {"GET", "/metrics", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new MetricsHandler(c); }},
    // The console's sign-in (http/console_session_handlers.hpp): open routes that check their own session.
    {"GET", "/console/api/config", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new ConsoleSessionHandler(c, ConsoleSessionHandler::Action::config);
     }},
    {"POST", "/console/api/login", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new ConsoleSessionHandler(c, ConsoleSessionHandler::Action::login);
     }},
    {"GET", "/console/api/session", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new ConsoleSessionHandler(c, ConsoleSessionHandler::Action::session);
     }},
    {"POST", "/console/api/logout", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new ConsoleSessionHandler(c, ConsoleSessionHandler::Action::logout);
     }},
    {"GET", "/console/oidc/login", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new ConsoleSessionHandler(c, ConsoleSessionHandler::Action::oidc_login);
     }},
    {"GET", "/console/oidc/callback", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new ConsoleSessionHandler(c, ConsoleSessionHandler::Action::oidc_callback);
     }},
    {"POST", "/v1/sources/{sourceId}/signals", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new IngestHandler(c, p[0]); }},
    {"POST", "/v1/sources/{sourceId}/las/{vendor}", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         if (!SignedAdapterHandler::known(p[1]) || p[1] == "brp") return nullptr;
         return new SignedAdapterHandler(c, p[0], p[1]);
     }},
    {"POST", "/v1/sources/{sourceId}/brp", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new SignedAdapterHandler(c, p[0], "brp"); }},
    {"POST", "/v1/sources/{sourceId}/zgw-notifications", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new ZgwNotificationHandler(c, p[0]); }},
    {"POST", "/v1/sources/{sourceId}/reconciliations", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new ReconciliationHandler(c, p[0]); }},
    {"POST", "/v1/sources/{sourceId}/reconciliation-runs", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new ReconciliationRunHandler(c, ReconciliationRunHandler::Action::create, p[0]);
     }},
    {"GET", "/v1/sources/{sourceId}/reconciliation-runs/{runId}", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new ReconciliationRunHandler(c, ReconciliationRunHandler::Action::progress, p[0], p[1]);
     }},
    {"POST", "/v1/sources/{sourceId}/reconciliation-runs/{runId}/parts/{part}", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new ReconciliationRunHandler(c, ReconciliationRunHandler::Action::part, p[0], p[1], p[2]);
     }},
    {"POST", "/v1/sources/{sourceId}/reconciliation-runs/{runId}/finish", Access::source,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new ReconciliationRunHandler(c, ReconciliationRunHandler::Action::finish, p[0], p[1]);
     }},
    {"GET", "/v1/link-reviews", Access::admin_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new LinkReviewsHandler(c); }},
    {"POST", "/v1/link-reviews/{reviewId}/decision", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new LinkReviewDecisionHandler(c, p[0]); }},
    {"GET", "/v1/pupils/{pupilId}", Access::admin_read,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new PupilHandler(c, p[0]); }},
    {"POST", "/v1/pupils/{pupilId}/merge", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new PupilMergeHandler(c, p[0]); }},
    {"POST", "/v1/merges/{mergeId}/undo", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new MergeUndoHandler(c, p[0]); }},
    {"GET", "/v1/families/{familyId}", Access::admin_read,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new FamilyHandler(c, p[0]); }},
    {"GET", "/v1/plans/{familyId}", Access::admin_read,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new PlanHandler(c, p[0]); }},
    {"POST", "/v1/plans/{familyId}/overrides", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new PlanOverrideHandler(c, p[0]); }},
    {"GET", "/v1/parked", Access::admin_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new ParkedHandler(c); }},
    {"POST", "/v1/parked/retry", Access::admin_write,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new ParkedRetryHandler(c); }},
    {"POST", "/v1/tasks", Access::admin_write,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new TaskCreateHandler(c); }},
    {"GET", "/v1/deliveries", Access::admin_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new DeliveriesHandler(c); }},
    {"GET", "/v1/deliveries/{deliveryId}", Access::admin_read,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new DeliveryHandler(c, p[0]); }},
    {"POST", "/v1/deliveries/{deliveryId}/retry", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new DeliveryActionHandler(c, p[0], "retry"); }},
    {"POST", "/v1/deliveries/{deliveryId}/cancel", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new DeliveryActionHandler(c, p[0], "cancel"); }},
    // Test-only (testing.manual_clock, loopback only): absent, so 404, on every other service.
    {"GET", "/v1/test/clock", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return c.test_clock ? new TestClockHandler(c) : nullptr;
     }},
    {"POST", "/v1/test/clock", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return c.test_clock ? new TestClockHandler(c) : nullptr;
     }},
    {"GET", "/v1/audit", Access::audit_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new AuditTrailHandler(c); }},
    {"GET", "/v1/audit/verification", Access::audit_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new AuditVerificationHandler(c); }},
    {"POST", "/v1/privacy/retention-runs", Access::privacy_officer,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new RetentionRunsHandler(c, true); }},
    {"GET", "/v1/privacy/retention-runs", Access::audit_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new RetentionRunsHandler(c, false); }},
    {"POST", "/v1/privacy/erasures", Access::privacy_officer,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new ErasuresHandler(c, true); }},
    {"GET", "/v1/privacy/erasures", Access::audit_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new ErasuresHandler(c, false); }},
    // Data sharing (docs/privacy.md): the privacy officer writes, the auditor reads.
    {"GET", "/v1/privacy/agreements", Access::audit_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new PrivacyHandler(c, PrivacyHandler::Action::list_agreements);
     }},
    {"POST", "/v1/privacy/agreements", Access::privacy_officer,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new PrivacyHandler(c, PrivacyHandler::Action::create_agreement);
     }},
    {"GET", "/v1/privacy/agreements/{agreementId}", Access::audit_read,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new PrivacyHandler(c, PrivacyHandler::Action::get_agreement, p[0]);
     }},
    {"POST", "/v1/privacy/agreements/{agreementId}/revoke", Access::privacy_officer,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new PrivacyHandler(c, PrivacyHandler::Action::revoke_agreement, p[0]);
     }},
    {"GET", "/v1/privacy/activities", Access::audit_read,
     [](ServiceContext& c, const Params&) -> RouteHandler* {
         return new PrivacyHandler(c, PrivacyHandler::Action::list_activities);
     }},
    {"POST", "/v1/privacy/activities", Access::privacy_officer,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new PrivacyHandler(c, PrivacyHandler::Action::put_activity); }},
    {"GET", "/v1/privacy/consents", Access::audit_read,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new PrivacyHandler(c, PrivacyHandler::Action::list_consents); }},
    {"POST", "/v1/privacy/consents", Access::privacy_officer,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new PrivacyHandler(c, PrivacyHandler::Action::give_consent); }},
    {"POST", "/v1/privacy/consents/{consentId}/withdraw", Access::privacy_officer,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new PrivacyHandler(c, PrivacyHandler::Action::withdraw_consent, p[0]);
     }},
    {"GET", "/v1/privacy/disclosures", Access::audit_read,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new PrivacyHandler(c, PrivacyHandler::Action::list_disclosures); }},
    {"GET", "/v1/privacy/subjects/{subjectId}/access", Access::privacy_officer,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new PrivacyHandler(c, PrivacyHandler::Action::subject_access, p[0]);
     }},
    // The console's data API (docs/console-api.md): reads for admin, privacy officer and auditor,
    // the retry and cancel of a delivery issue for admin only.
    {"GET", "/v1/console/messages", Access::admin_read,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new ConsoleHandler(c, ConsoleHandler::Action::messages); }},
    {"GET", "/v1/console/correlations/{correlationId}", Access::admin_read,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new ConsoleHandler(c, ConsoleHandler::Action::correlation, p[0]);
     }},
    {"GET", "/v1/console/delivery-issues", Access::admin_read,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new ConsoleHandler(c, ConsoleHandler::Action::issues); }},
    {"POST", "/v1/console/delivery-issues/{issueId}/retry", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new ConsoleHandler(c, ConsoleHandler::Action::retry_issue, p[0]);
     }},
    {"POST", "/v1/console/delivery-issues/{issueId}/cancel", Access::admin_write,
     [](ServiceContext& c, const Params& p) -> RouteHandler* {
         return new ConsoleHandler(c, ConsoleHandler::Action::cancel_issue, p[0]);
     }},
    {"GET", "/v1/console/health", Access::admin_read,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new ConsoleHandler(c, ConsoleHandler::Action::health); }},
    {"GET", "/v1/console/dashboard", Access::admin_read,
     [](ServiceContext& c,
        const Params&) -> RouteHandler* { return new ConsoleHandler(c, ConsoleHandler::Action::dashboard); }},
    // The web console's assets (http/console_assets.hpp): open, as the data behind them is not.
    // Last in the table, so every /console/api/... and /console/oidc/... route above wins.
    {"GET", "/console", Access::open,
     [](ServiceContext& c, const Params&) -> RouteHandler* { return new ConsoleAssetsHandler(c, {}); }},
    {"GET", "/console/{asset}", Access::open,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new ConsoleAssetsHandler(c, p); }},
    {"GET", "/console/{dir}/{asset}", Access::open,
     [](ServiceContext& c, const Params& p) -> RouteHandler* { return new ConsoleAssetsHandler(c, p); }},
};

}  // namespace

std::span<const Route> routes() { return table; }

bool match_pattern(const std::string& pattern, const std::vector<std::string>& segments,
                   std::vector<std::string>& params) {
    params.clear();
    std::size_t index = 0;
    std::size_t at = 1;  // after the leading '/'
    while (at <= pattern.size()) {
        const std::size_t end = std::min(pattern.find('/', at), pattern.size());
        const std::string_view part(pattern.data() + at, end - at);
        if (index >= segments.size()) return false;
        const std::string& segment = segments[index++];
        if (part.starts_with('{') && part.ends_with('}')) {
            if (segment.empty()) return false;
            params.push_back(segment);
        } else if (part != segment) {
            return false;
        }
        at = end + 1;
    }
    return index == segments.size();
}

}  // namespace eenplan::service

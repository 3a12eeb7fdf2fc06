// What the HTTP handlers may reach: built once at start-up by the application, outlives the server.
#pragma once

#include <functional>

#include <Poco/Logger.h>

#include "common/store_types.hpp"
#include "common/system_clock.hpp"
#include "config/config.hpp"
#include "http/admin_auth.hpp"
#include "ingest/ingest_pipeline.hpp"
#include "observability/metrics.hpp"
#include "plan_api/plan_api.hpp"
#include "record/record_admin.hpp"
#include "record/record_views.hpp"

namespace eenplan::service {

class AuditTrail;         // audit/audit_trail.hpp
struct DeliveryServices;  // outbox/delivery_services.hpp
class Authenticator;      // ingest/authenticator.hpp
class NotificationInbox;  // ingest/notification_inbox.hpp
class Reconciliation;     // common/reconciliation.hpp
class SourceRateLimits;   // http/source_rate_limits.hpp
class Retention;          // retention/retention.hpp
class PrivacyStore;       // privacy/privacy_store.hpp
class ConsoleApi;         // console_api/console_api.hpp
class ConsoleAuth;        // console_auth/console_auth.hpp

struct ServiceContext {
    const Config& config;
    Database& database;                 // only passed on: the HTTP room runs no SQL (it cannot include store/)
    std::function<bool()> store_ready;  // the database answers and every migration is applied
    const IngestPipeline& ingest;
    Metrics& metrics;
    Poco::Logger& logger;
    RecordViews& views;
    RecordAdmin& records;
    const AdminAuth& auth;
    DeliveryServices* delivery;  // the outbox, its store and the dispatcher
    PlanApi* plans = nullptr;    // the routeboek engine's plans (served by plan/); null without a routeboek
    const Authenticator* authenticator = nullptr;  // who sent a request, before the pipeline
    NotificationInbox* notifications = nullptr;    // ZGW notifications, stored for the notification worker
    const Clock* clock = &system_clock();          // "now" and "today" of every handler
    ManualClock* test_clock = nullptr;             // the same clock when the test-only manual clock is on
    Reconciliation* reconciliation = nullptr;      // a municipal register against enrolments; null without a routeboek
    AuditTrail* audit = nullptr;                   // every admin and audit request is appended (http/route_handler.hpp)
    SourceRateLimits* rate_limits = nullptr;       // per-source token buckets; null: no limits
    Retention* retention = nullptr;                // purge runs and family erasure (docs/retention.md)
    PrivacyStore* privacy = nullptr;               // agreements, consents, the register, the disclosure log
    ConsoleApi* console_api = nullptr;             // the console's data views (console/console_store.hpp)
    ConsoleAuth* console = nullptr;                // the console's sign-in; admin routes also take its session cookie
};

}  // namespace eenplan::service

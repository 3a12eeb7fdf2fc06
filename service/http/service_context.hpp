// What the HTTP handlers may reach: built once at start-up by the application, outlives the server.
#pragma once

#include <functional>

#include <Poco/Logger.h>

#include "common/store_types.hpp"
#include "config/config.hpp"
#include "http/admin_auth.hpp"
#include "ingest/ingest_pipeline.hpp"
#include "observability/metrics.hpp"
#include "record/record_admin.hpp"
#include "record/record_views.hpp"

namespace eenplan::inbound {
class RolLookup;  // inbound/zgw_rol_lookup.hpp
}

namespace eenplan::service {

class AuditTrail;        // audit/audit_trail.hpp
struct DeliveryServices;  // outbox/delivery_services.hpp
class Authenticator;     // ingest/authenticator.hpp
class PlanKeeper;        // plan/plan_keeper.hpp

struct ServiceContext {
    const Config& config;
    Database& database;  // only passed on: the HTTP room runs no SQL (it cannot include store/)
    std::function<bool()> store_ready;  // the database answers and every migration is applied
    const IngestPipeline& ingest;
    Metrics& metrics;
    Poco::Logger& logger;
    RecordViews& views;
    RecordAdmin& records;
    const AdminAuth& auth;
    DeliveryServices* delivery;  // the outbox, its store and the dispatcher
    PlanKeeper* plans = nullptr;  // the routeboek engine's plans; null without a routeboek
    const Authenticator* authenticator = nullptr;     // who sent a request, before the pipeline
    const inbound::RolLookup* rol_lookup = nullptr;   // the Zaken API behind ZGW notifications
    AuditTrail* audit = nullptr;  // every admin and audit request is appended (http/route_handler.hpp)
};

}  // namespace eenplan::service

// What the HTTP handlers may reach: built once at start-up by the application, outlives the server.
#pragma once

#include <Poco/Logger.h>

#include "config/config.hpp"
#include "ingest/ingest_pipeline.hpp"
#include "observability/metrics.hpp"
#include "store/database.hpp"

namespace eenplan::service {

struct ServiceContext {
    const Config& config;
    Database& database;
    const IngestPipeline& ingest;
    Metrics& metrics;
    Poco::Logger& logger;
};

}  // namespace eenplan::service

// The scheduled purge and audit anchoring: one thread that, by the service's clock (the manual
// test clock included), runs a purge every retention.purge_every_hours and writes the audit
// trail's anchor every retention.audit_anchor.every_minutes (and once at start and at stop).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <Poco/Logger.h>

#include "config/config.hpp"
#include "eenplan/core/clock.hpp"

namespace eenplan::service {

class Retention;    // retention/retention.hpp
class AuditAnchor;  // retention/audit_anchor.hpp

class RetentionScheduler {
public:
    // `anchor` may be null (no anchor file configured).
    RetentionScheduler(Retention& retention, AuditAnchor* anchor, const RetentionConfig& config, const Clock& clock,
                       Poco::Logger& logger);
    ~RetentionScheduler();
    RetentionScheduler(const RetentionScheduler&) = delete;
    RetentionScheduler& operator=(const RetentionScheduler&) = delete;

    void start();
    void stop();
    void wake();

private:
    void loop();
    void anchor_now(std::int64_t now_us);

    Retention& retention_;
    AuditAnchor* anchor_;
    const RetentionConfig& config_;
    const Clock& clock_;
    Poco::Logger& logger_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace eenplan::service

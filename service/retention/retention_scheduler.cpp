#include "retention/retention_scheduler.hpp"

#include <chrono>

#include "common/log_event.hpp"
#include "common/store_types.hpp"
#include "retention/audit_anchor.hpp"
#include "retention/retention.hpp"

namespace eenplan::service {
namespace {

std::int64_t micros(const Clock& clock) {
    return std::chrono::duration_cast<std::chrono::microseconds>(clock.now().time_since_epoch()).count();
}

}  // namespace

RetentionScheduler::RetentionScheduler(Retention& retention, AuditAnchor* anchor, const RetentionConfig& config,
                                       const Clock& clock, Poco::Logger& logger)
    : retention_(retention), anchor_(anchor), config_(config), clock_(clock), logger_(logger) {}

RetentionScheduler::~RetentionScheduler() { stop(); }

void RetentionScheduler::start() {
    if (config_.purge_every_hours == 0 && anchor_ == nullptr) return;
    anchor_now(micros(clock_));
    thread_ = std::thread([this] { loop(); });
}

void RetentionScheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (anchor_ != nullptr) anchor_now(micros(clock_));
}

void RetentionScheduler::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void RetentionScheduler::anchor_now(std::int64_t now_us) {
    if (anchor_ == nullptr) return;
    try {
        const AnchorPoint point = anchor_->write(now_us);
        log_event(logger_, Poco::Message::PRIO_INFORMATION, "retention", "audit.anchored",
                  "the audit trail's end was anchored", {{"count", std::to_string(point.sequence)}});
    } catch (const std::exception& error) {
        log_event(logger_, Poco::Message::PRIO_CRITICAL, "retention", "audit.anchor_failed",
                  "the audit trail's end could not be anchored", {{"error", loggable_error(error)}});
    }
}

void RetentionScheduler::loop() {
    const std::int64_t hour_us = 3'600LL * 1'000'000;
    const std::int64_t start = micros(clock_);
    std::int64_t next_purge = config_.purge_every_hours > 0 ? start + config_.purge_every_hours * hour_us : -1;
    std::int64_t next_anchor = anchor_ != nullptr ? start + config_.anchor_every_minutes * 60'000'000LL : -1;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // The clock may be the manual test clock, which only moves on request: look again every
        // second, or at once when woken.
        wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || woken_; });
        woken_ = false;
        if (stopping_) break;
        const std::int64_t now = micros(clock_);
        lock.unlock();
        if (next_purge >= 0 && now >= next_purge) {
            try {
                const RetentionRun run = retention_.purge(now, false, "retention-schedule");
                long long removed = 0;
                for (const auto& [kind, n] : run.counts)
                    if (kind != "archived_signals" && kind != "payload_keys") removed += n;
                log_event(logger_, Poco::Message::PRIO_NOTICE, "retention", "retention.purged",
                          "the scheduled purge ran", {{"digest", run.ids_digest}, {"count", std::to_string(removed)}});
            } catch (const std::exception& error) {
                log_event(logger_, Poco::Message::PRIO_ERROR, "retention", "retention.purge_failed",
                          "the scheduled purge failed; it runs again at the next interval",
                          {{"error", loggable_error(error)}});
            }
            next_purge = now + config_.purge_every_hours * hour_us;
        }
        if (next_anchor >= 0 && now >= next_anchor) {
            anchor_now(now);
            next_anchor = now + config_.anchor_every_minutes * 60'000'000LL;
        }
        lock.lock();
    }
}

}  // namespace eenplan::service

#include "inbound/zgw_notification_worker.hpp"

#include <algorithm>

namespace eenplan::inbound {

ZgwNotificationWorker::ZgwNotificationWorker(NotificationInbox& inbox, const RolLookup& lookup, Clock now_us,
                                             NotificationWorkerOptions options)
    : inbox_(inbox), lookup_(lookup), now_us_(std::move(now_us)), options_(options) {}

ZgwNotificationWorker::~ZgwNotificationWorker() { stop(); }

bool ZgwNotificationWorker::work_one() {
    const std::int64_t now = now_us_();
    const auto lease = std::chrono::duration_cast<std::chrono::microseconds>(options_.lease).count();
    const std::optional<StoredNotification> claimed = inbox_.claim(now, now + lease);
    if (!claimed) return false;
    resolve(*claimed);
    return true;
}

void ZgwNotificationWorker::resolve(const StoredNotification& n) {
    const std::optional<ZakenApi> api = inbox_.zaken_api(n.source_id);
    if (!api) return inbox_.fail(n, "the source no longer takes ZGW notifications", now_us_());
    // Checked when it was accepted; checked again, as the configured Zaken API may have moved.
    const auto url = check_resource_url(n.resource_url, api->base_url);
    if (!url) return inbox_.fail(n, "the rol URL is outside the source's Zaken API", now_us_());
    const RolReply rol = lookup_.fetch(url.value(), *api, now_us_() / 1'000'000);
    if (rol.status != RolReply::Status::ok) return again_later(n, rol.detail);

    Notification notification;
    notification.resource_url = n.resource_url;
    notification.actie = n.actie;
    notification.aanmaakdatum = n.aanmaakdatum;
    const auto mapped = map_youth_care_rol(notification, rol.body, n.provider);
    if (!mapped) return inbox_.fail(n, "the rol cannot be mapped: " + mapped.problems().front().detail, now_us_());
    switch (inbox_.hand_over(n, mapped.value(), now_us_())) {
        case SignalHandover::stored: return inbox_.done(n, now_us_());
        case SignalHandover::invalid: return inbox_.fail(n, "the signal of the rol is not valid", now_us_());
        case SignalHandover::unavailable: return again_later(n, "the store could not take the signal");
    }
}

void ZgwNotificationWorker::again_later(const StoredNotification& n, const std::string& detail) {
    const int attempt = n.attempts + 1;
    if (attempt >= options_.max_attempts) {
        return inbox_.fail(n, detail + " (after " + std::to_string(attempt) + " attempts)", now_us_());
    }
    // Doubling from first_retry, capped: 1 s, 2 s, 4 s, … 5 min with the defaults.
    auto delay = options_.first_retry;
    for (int i = 1; i < attempt && delay < options_.max_retry; ++i) delay *= 2;
    delay = std::min(delay, options_.max_retry);
    inbox_.retry(n, now_us_() + std::chrono::duration_cast<std::chrono::microseconds>(delay).count(), detail);
}

void ZgwNotificationWorker::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void ZgwNotificationWorker::stop() {
    stopping_ = true;
    wake();
    if (thread_.joinable()) thread_.join();
}

void ZgwNotificationWorker::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wakeup_.notify_all();
}

void ZgwNotificationWorker::run() {
    while (!stopping_) {
        bool worked = false;
        try {
            worked = work_one();
        } catch (const std::exception&) {
            // The store went away: the claimed notification is due again when its lease ends.
            worked = false;
        }
        if (worked) continue;
        std::unique_lock lock(mutex_);
        wakeup_.wait_for(lock, options_.poll, [&] { return stopping_ || woken_; });
        woken_ = false;
    }
}

}  // namespace eenplan::inbound

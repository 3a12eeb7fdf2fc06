// The ZGW rol lookup off the request thread. The notification handler only authenticates, checks
// and stores a notification (durably, in the hub's inbox) and answers; this worker then takes the
// stored notifications one at a time, reads the rol each names from the Zaken API (RolLookup), maps
// it to youthcare.started and hands that to the hub's ingest pipeline. A notification leaves the
// inbox only once its signal is stored (or it can never become one), and the pipeline deduplicates
// on the rol, so a process that dies anywhere in between repeats the work after its restart and
// nothing is lost or stored twice. A Zaken API that does not answer is asked again later, with a
// growing delay, up to `max_attempts` times.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "inbound/canonical.hpp"
#include "inbound/zgw_notification.hpp"
#include "inbound/zgw_rol_lookup.hpp"

namespace eenplan::inbound {

// A notification the hub accepted and stored, as the worker claimed it.
struct StoredNotification {
    std::string id;
    std::string source_id;
    std::string resource_url;  // the rol; checked against the source's Zaken API when accepted
    std::string actie;
    std::string aanmaakdatum;
    std::string provider;     // from the source's zaaktypes, when accepted
    int attempts = 0;         // lookups made before this claim
    std::string claim_token;  // only the holder of the claim records its outcome
};

// What became of a signal the worker handed to the hub.
enum class SignalHandover {
    stored,       // stored now, or stored before (the same rol)
    invalid,      // the pipeline refused it (e.g. a BSN failing the 11-proef): it never will take it
    unavailable,  // the hub's store could not take it now
};

// The hub's side, implemented by the service over its store and ingest pipeline
// (ingest/notification_inbox.hpp).
class NotificationInbox {
public:
    virtual ~NotificationInbox() = default;
    // Claims the oldest due notification until `lease_until_us`: another worker (instance) passes
    // it over until then, and it is due again after a crash. nullopt when none is due.
    virtual std::optional<StoredNotification> claim(std::int64_t now_us, std::int64_t lease_until_us) = 0;
    // The Zaken API the notification's source is configured with; nullopt when it no longer is.
    virtual std::optional<ZakenApi> zaken_api(const std::string& source_id) const = 0;
    // The mapped signal into the ingest pipeline, deduplicated on the notification's rol.
    virtual SignalHandover hand_over(const StoredNotification& notification, const CanonicalRequest& signal,
                                     std::int64_t now_us) = 0;
    // Outcomes: done (the signal is stored), again at `at_us`, or failed for good. `detail` is one
    // sentence without a URL or personal data.
    virtual void done(const StoredNotification& notification, std::int64_t now_us) = 0;
    virtual void retry(const StoredNotification& notification, std::int64_t at_us, const std::string& detail) = 0;
    virtual void fail(const StoredNotification& notification, const std::string& detail, std::int64_t now_us) = 0;
};

struct NotificationWorkerOptions {
    std::chrono::milliseconds poll{1000};          // between looks at the inbox when idle
    std::chrono::milliseconds lease{30'000};       // longer than one lookup and one ingest
    std::chrono::milliseconds first_retry{1000};   // doubled per attempt ...
    std::chrono::milliseconds max_retry{300'000};  // ... up to this
    int max_attempts = 12;                         // then the notification fails for good
};

class ZgwNotificationWorker {
public:
    using Clock = std::function<std::int64_t()>;  // microseconds since the Unix epoch

    ZgwNotificationWorker(NotificationInbox& inbox, const RolLookup& lookup, Clock now_us,
                          NotificationWorkerOptions options = {});
    ~ZgwNotificationWorker();
    ZgwNotificationWorker(const ZgwNotificationWorker&) = delete;
    ZgwNotificationWorker& operator=(const ZgwNotificationWorker&) = delete;

    // Works off one due notification; false when none was due. Throws what the inbox throws
    // (a store that went away); the claimed notification is then due again after its lease.
    bool work_one();

    // The background thread: every due notification, then waits for wake() or the poll interval.
    void start();
    void stop();
    // A notification was stored: look now rather than at the next poll.
    void wake();

private:
    void run();
    void resolve(const StoredNotification& n);
    void again_later(const StoredNotification& n, const std::string& detail);

    NotificationInbox& inbox_;
    const RolLookup& lookup_;
    Clock now_us_;
    NotificationWorkerOptions options_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wakeup_;
    bool woken_ = false;
    std::atomic<bool> stopping_{false};
};

}  // namespace eenplan::inbound

// The hub's inbox of ZGW notifications (schemas/sql/0007_notification_inbox.sql). The notification
// handler stores an authenticated, checked notification here and answers; the notification worker
// (integration/inbound/zgw_notification_worker.hpp) claims it, and hands the signal it makes to
// the ingest pipeline under the source that sent the notification.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <Poco/Logger.h>

#include "common/store_types.hpp"
#include "inbound/zgw_notification.hpp"
#include "inbound/zgw_notification_worker.hpp"
#include "ingest/authenticator.hpp"
#include "ingest/ingest_pipeline.hpp"

namespace eenplan::service {

class NotificationInbox final : public inbound::NotificationInbox {
public:
    NotificationInbox(Database& database, const Authenticator& authenticator, const IngestPipeline& pipeline,
                      Poco::Logger& logger)
        : database_(database), authenticator_(authenticator), pipeline_(pipeline), logger_(logger) {}

    struct Accepted {
        std::string notification_id;
        bool fresh = true;  // false: the same notification (action on the same rol) was stored before
    };
    // Stores a notification of an authenticated source that names a rol (`resource_url`, checked
    // against the source's Zaken API) on a followed zaaktype (`provider`). Durable when it returns;
    // then whoever was registered with on_accepted is told. Throws StoreUnavailable.
    Accepted accept(const AuthenticatedSource& source, const inbound::Notification& notification,
                    const std::string& provider, std::int64_t now_us);
    // Not thread-safe: set before the server takes requests.
    void on_accepted(std::function<void()> wake) { on_accepted_ = std::move(wake); }

    // The worker's side (inbound::NotificationInbox).
    std::optional<inbound::StoredNotification> claim(std::int64_t now_us, std::int64_t lease_until_us) override;
    std::optional<inbound::ZakenApi> zaken_api(const std::string& source_id) const override;
    inbound::SignalHandover hand_over(const inbound::StoredNotification& notification,
                                      const inbound::CanonicalRequest& signal, std::int64_t now_us) override;
    void done(const inbound::StoredNotification& notification, std::int64_t now_us) override;
    void retry(const inbound::StoredNotification& notification, std::int64_t at_us, const std::string& detail) override;
    void fail(const inbound::StoredNotification& notification, const std::string& detail, std::int64_t now_us) override;

    // The key that deduplicates a notification, in the inbox and as the signal's idempotency key:
    // one signal per action on one rol.
    static std::string idempotency_key(const std::string& actie, const std::string& resource_url) {
        return "zgw:" + actie + ":" + resource_url;
    }

private:
    void finish(const inbound::StoredNotification& notification, const char* state, const std::string& detail,
                std::int64_t now_us);

    Database& database_;
    const Authenticator& authenticator_;
    const IngestPipeline& pipeline_;
    Poco::Logger& logger_;
    std::function<void()> on_accepted_;
};

}  // namespace eenplan::service

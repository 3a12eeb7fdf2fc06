#include "ingest/notification_inbox.hpp"

#include "common/ids.hpp"
#include "common/log_event.hpp"
#include "store/database.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

constexpr const char* claimed_columns =
    "notification_id, source_id, resource_url, actie, aanmaakdatum, provider, attempts";

}  // namespace

NotificationInbox::Accepted NotificationInbox::accept(const AuthenticatedSource& source,
                                                      const inbound::Notification& notification,
                                                      const std::string& provider, std::int64_t now_us) {
    const std::string id = new_uuid();
    const std::string key = idempotency_key(notification.actie, notification.resource_url);
    const long long now = now_us;
    Accepted accepted = database_.with_session([&](soci::session& sql) {
        // One autocommitted statement: stored (durably) or, for a repeat, left as it was.
        sql << "INSERT INTO inbound_notifications (notification_id, source_id, idempotency_key, resource_url, actie, "
               "aanmaakdatum, provider, state, attempts, next_attempt_at_us, received_at_us, updated_at_us) "
               "VALUES (:id, :src, :key, :url, :actie, :datum, :provider, 'pending', 0, :next, :received, :updated) "
               "ON CONFLICT (source_id, idempotency_key) DO NOTHING",
            soci::use(id), soci::use(source.id()), soci::use(key), soci::use(notification.resource_url),
            soci::use(notification.actie), soci::use(notification.aanmaakdatum), soci::use(provider), soci::use(now),
            soci::use(now), soci::use(now);
        std::string stored_id;
        sql << "SELECT notification_id FROM inbound_notifications WHERE source_id = :src AND idempotency_key = :key",
            soci::use(source.id()), soci::use(key), soci::into(stored_id);
        return Accepted{stored_id, stored_id == id};
    });
    log_event(logger_, Poco::Message::PRIO_INFORMATION, "ingest",
              accepted.fresh ? "notification.stored" : "notification.duplicate",
              accepted.fresh ? "notification stored" : "duplicate notification acknowledged",
              {{"source_id", source.id()}, {"notification_id", accepted.notification_id}});
    if (accepted.fresh && on_accepted_) on_accepted_();
    return accepted;
}

std::optional<inbound::StoredNotification> NotificationInbox::claim(std::int64_t now_us, std::int64_t lease_until_us) {
    const std::string token = new_uuid();
    const long long now = now_us;
    const long long lease = lease_until_us;
    const Backend backend = database_.backend();
    return database_.with_session([&](soci::session& sql) -> std::optional<inbound::StoredNotification> {
        inbound::StoredNotification n;
        n.claim_token = token;
        soci::indicator found = soci::i_null;
        if (backend == Backend::postgresql) {
            // One statement; a row another instance is claiming is passed over (SKIP LOCKED).
            sql << std::string(
                       "UPDATE inbound_notifications SET next_attempt_at_us = :lease, claim_token = :tok "
                       "WHERE notification_id = (SELECT notification_id FROM inbound_notifications "
                       "WHERE state = 'pending' AND next_attempt_at_us <= :now "
                       "ORDER BY next_attempt_at_us LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ") +
                       claimed_columns,
                soci::use(lease), soci::use(token), soci::use(now), soci::into(n.id, found), soci::into(n.source_id),
                soci::into(n.resource_url), soci::into(n.actie), soci::into(n.aanmaakdatum), soci::into(n.provider),
                soci::into(n.attempts);
            if (!sql.got_data() || found != soci::i_ok) return std::nullopt;
            return n;
        }
        // SQLite: a read without a transaction first, so an idle worker takes no write lock.
        std::string any;
        sql << "SELECT notification_id FROM inbound_notifications WHERE state = 'pending' AND next_attempt_at_us <= "
               ":now "
               "LIMIT 1",
            soci::use(now), soci::into(any);
        if (!sql.got_data()) return std::nullopt;
        return in_write_transaction(sql, backend, [&]() -> std::optional<inbound::StoredNotification> {
            sql << std::string("SELECT ") + claimed_columns +
                       " FROM inbound_notifications WHERE state = 'pending' AND next_attempt_at_us <= :now "
                       "ORDER BY next_attempt_at_us LIMIT 1",
                soci::use(now), soci::into(n.id, found), soci::into(n.source_id), soci::into(n.resource_url),
                soci::into(n.actie), soci::into(n.aanmaakdatum), soci::into(n.provider), soci::into(n.attempts);
            if (!sql.got_data() || found != soci::i_ok) return std::nullopt;
            sql << "UPDATE inbound_notifications SET next_attempt_at_us = :lease, claim_token = :tok "
                   "WHERE notification_id = :id",
                soci::use(lease), soci::use(token), soci::use(n.id);
            return n;
        });
    });
}

std::optional<inbound::ZakenApi> NotificationInbox::zaken_api(const std::string& source_id) const {
    const SourceConfig* source = authenticator_.find_source(source_id);
    if (source == nullptr || !source->notifications) return std::nullopt;
    const NotificationsConfig& config = *source->notifications;
    return inbound::ZakenApi{config.zaken_api, config.client_id, config.secret};
}

inbound::SignalHandover NotificationInbox::hand_over(const inbound::StoredNotification& notification,
                                                     const inbound::CanonicalRequest& signal, std::int64_t now_us) {
    const SourceConfig* source = authenticator_.find_source(notification.source_id);
    if (source == nullptr || !source->notifications) return inbound::SignalHandover::invalid;
    // The source's token was checked when this notification was accepted (accept() takes only an
    // AuthenticatedSource); the pipeline gets the same source now.
    const AuthenticatedSource authenticated(*source, AuthMethod::notification_token, {});
    try {
        const IngestOutcome outcome = pipeline_.ingest(
            authenticated, idempotency_key(notification.actie, notification.resource_url), signal, now_us);
        switch (outcome.status) {
            case IngestStatus::accepted:
            case IngestStatus::duplicate:
                log_event(logger_, Poco::Message::PRIO_INFORMATION, "ingest",
                          outcome.status == IngestStatus::accepted ? "signal.stored" : "signal.duplicate",
                          outcome.status == IngestStatus::accepted ? "signal stored" : "duplicate signal acknowledged",
                          {{"source_id", notification.source_id},
                           {"notification_id", notification.id},
                           {"signal_id", outcome.ids->signal_id},
                           {"correlation_id", outcome.ids->correlation_id},
                           {"signal_type", outcome.signal_type}});
                return inbound::SignalHandover::stored;
            default: return inbound::SignalHandover::invalid;
        }
    } catch (const StoreUnavailable&) {
        return inbound::SignalHandover::unavailable;
    }
}

void NotificationInbox::done(const inbound::StoredNotification& notification, std::int64_t now_us) {
    finish(notification, "done", {}, now_us);
}

void NotificationInbox::fail(const inbound::StoredNotification& notification, const std::string& detail,
                             std::int64_t now_us) {
    finish(notification, "failed", detail, now_us);
    log_event(logger_, Poco::Message::PRIO_WARNING, "ingest", "notification.failed", "notification given up",
              {{"source_id", notification.source_id}, {"notification_id", notification.id}, {"error", detail}});
}

void NotificationInbox::retry(const inbound::StoredNotification& notification, std::int64_t at_us,
                              const std::string& detail) {
    const long long at = at_us;
    database_.with_session([&](soci::session& sql) {
        sql << "UPDATE inbound_notifications SET attempts = attempts + 1, next_attempt_at_us = :at, claim_token = "
               "NULL, "
               "last_error = :error WHERE notification_id = :id AND claim_token = :tok",
            soci::use(at), soci::use(detail), soci::use(notification.id), soci::use(notification.claim_token);
    });
    log_event(logger_, Poco::Message::PRIO_NOTICE, "ingest", "notification.retry", "rol lookup to be tried again",
              {{"source_id", notification.source_id},
               {"notification_id", notification.id},
               {"attempt", std::to_string(notification.attempts + 1)},
               {"error", detail}});
}

void NotificationInbox::finish(const inbound::StoredNotification& notification, const char* state,
                               const std::string& detail, std::int64_t now_us) {
    const long long now = now_us;
    const std::string state_text = state;
    soci::indicator detail_ind = detail.empty() ? soci::i_null : soci::i_ok;
    database_.with_session([&](soci::session& sql) {
        sql << "UPDATE inbound_notifications SET state = :state, attempts = attempts + 1, claim_token = NULL, "
               "last_error = :error, updated_at_us = :now WHERE notification_id = :id AND claim_token = :tok",
            soci::use(state_text), soci::use(detail, detail_ind), soci::use(now), soci::use(notification.id),
            soci::use(notification.claim_token);
    });
}

}  // namespace eenplan::service

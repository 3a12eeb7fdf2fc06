#include "app/service_application.hpp"

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include <openssl/crypto.h>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Timestamp.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Timestamp.h>
#include <Poco/Util/IntValidator.h>

#include "app/progress_bar.hpp"
#include "audit/audit_trail.hpp"
#include "common/ids.hpp"
#include "common/log_event.hpp"
#include "common/system_clock.hpp"
#include "config/config.hpp"
#include "config/secret_files.hpp"
#include "console_auth/console_auth.hpp"
#include "http/admin_auth.hpp"
#include "http/http_server.hpp"
#include "http/router.hpp"
#include "http/source_rate_limits.hpp"
#include "identity/hub_pseudonymiser.hpp"
#include "identity/keyserver_client.hpp"
#include "identity/key_files.hpp"
#include "identity/repseudonymise_job.hpp"
#include "ingest/ingest_pipeline.hpp"
#include "observability/json_log_formatter.hpp"
#include "observability/metrics.hpp"
#include "outbox/delivery_services.hpp"
#include "privacy/agreements_file.hpp"
#include "privacy/disclosure_gate.hpp"
#include "privacy/privacy_store.hpp"
#include "inbound/zgw_notification_worker.hpp"
#include "inbound/zgw_rol_lookup.hpp"
#include "ingest/authenticator.hpp"
#include "ingest/notification_inbox.hpp"
#include "plan/plan_keeper.hpp"
#include "plan/plan_views.hpp"
#include "console/console_store.hpp"
#include "plan/reconciler.hpp"
#include "record/record_admin.hpp"
#include "record/record_keeper.hpp"
#include "record/record_views.hpp"
#include "retention/audit_anchor.hpp"
#include "retention/payload_keys.hpp"
#include "retention/retention.hpp"
#include "retention/retention_scheduler.hpp"
#include "routeboek/routeboek_check.hpp"
#include "routeboek/routeboek_loader.hpp"
#include "routeboek/school_calendar_loader.hpp"
#include "plan/reconciler.hpp"
#include "store/database.hpp"
#include "store/sealed_text_migration.hpp"
#include "store/signal_store.hpp"
#include "tls/tls_policy.hpp"

namespace eenplan::service {
namespace {

using Poco::Util::Option;

void print_problems(const std::string& file, const Problems& problems) {
    std::cerr << "eenplan-service: the configuration " << file << " is not valid:\n";
    for (const Problem& p : problems) {
        std::cerr << "  " << (p.pointer.empty() ? "(document)" : p.pointer) << ": " << p.detail << "\n";
    }
}

// The school calendar, checked whole before anything starts like the routeboek: nullopt when it is
// not valid (the problems are printed), a null pointer when none is configured.
std::optional<std::unique_ptr<routeboek::SchoolCalendar>> load_configured_school_calendar(
    const std::optional<std::string>& path) {
    if (!path) return std::unique_ptr<routeboek::SchoolCalendar>();
    auto loaded = load_school_calendar(*path);
    if (!loaded) {
        print_problems(*path, loaded.problems());
        return std::nullopt;
    }
    return std::make_unique<routeboek::SchoolCalendar>(std::move(loaded).value());
}

Poco::Logger& setup_logging(const LoggingConfig& logging) {
    Poco::AutoPtr<Poco::Channel> sink;
    if (logging.file) {
        Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(*logging.file));
        file->setProperty("rotation", "100 M");
        file->setProperty("archive", "timestamp");
        file->setProperty("purgeCount", "10");
        file->setProperty("flush", "true");
        sink = file;
    } else {
        sink = new Poco::ConsoleChannel;
    }
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(new JsonLogFormatter, sink));
    Poco::Logger& root = Poco::Logger::root();
    root.setChannel(channel);
    root.setLevel(logging.level);
    return Poco::Logger::get("eenplan");
}

Poco::Net::ServerSocket make_socket(const ListenConfig& listen) {
    const Poco::Net::SocketAddress address(listen.address, listen.port);
    if (!listen.tls) return Poco::Net::ServerSocket(address);
    Poco::Net::Context::Params params = integration::tls_params();
    params.privateKeyFile = listen.tls->private_key;
    params.certificateFile = listen.tls->certificate;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients authenticate by signature
    if (listen.tls->client_ca_file) {
        // Mutual TLS for the sources that require it: a client certificate is asked for (a client
        // without one still connects) and, when presented, must chain to this CA.
        params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
        params.caLocation = *listen.tls->client_ca_file;
    }
    Poco::Net::Context::Ptr context = integration::make_tls_context(Poco::Net::Context::TLS_SERVER_USE, params);
    return Poco::Net::SecureServerSocket(address, 64, context);
}

// The hub's recipient key (domain "hub") from a file of hex.
Result<RecipientKey> load_hub_key(const std::string& path, const std::string& pointer) {
    auto key_text = read_secret_file(path, pointer);
    if (!key_text) return key_text.problems();
    auto key_bytes = hex_decode(key_text.value());
    OPENSSL_cleanse(key_text->data(), key_text->size());
    if (!key_bytes) return Problem{pointer, "must hold the recipient key as hex"};
    auto hub_key = RecipientKey::from_bytes(std::string(hub_domain), *key_bytes, pointer);
    OPENSSL_cleanse(key_bytes->data(), key_bytes->size());
    return hub_key;
}

Result<HubPseudonymiser> load_pseudonymiser(const Config& config) {
    auto ring = load_key_ring(config.pseudonym_keys);
    if (!ring) return ring.problems();
    if (config.keyserver) {
        // The hub's own recipient key and the public key; the master key stays at the key server.
        const KeyServerSettings& ks = *config.keyserver;
        auto hub_key = load_hub_key(ks.recipient_key_file, "/keys/keyserver/recipient_key_file");
        if (!hub_key) return hub_key.problems();
        std::vector<RecipientKey> earlier;
        for (std::size_t i = 0; i < ks.previous_recipient_key_files.size(); ++i) {
            auto key = load_hub_key(ks.previous_recipient_key_files[i],
                                    "/keys/keyserver/previous_recipient_key_files/" + std::to_string(i));
            if (!key) return key.problems();
            earlier.push_back(std::move(key).value());
        }
        const auto public_bytes = hex_decode(ks.public_key);
        if (!public_bytes) return Problem{"/keys/keyserver/public_key", "must be hex"};
        auto public_key = PolymorphicPublicKey::from_bytes(*public_bytes, "/keys/keyserver/public_key");
        if (!public_key) return public_key.problems();
        return HubPseudonymiser(std::move(ring).value(), std::move(public_key).value(), std::move(hub_key).value(),
                                std::make_shared<KeyServerClient>(ks), std::move(earlier));
    }
    std::optional<PolymorphicMasterKeys> master;
    if (config.polymorphic_master_key) {
        auto keys = load_master_keys(*config.polymorphic_master_key);
        if (!keys) return keys.problems();
        master = std::move(keys).value();
    }
    return HubPseudonymiser(std::move(ring).value(), std::move(master));
}

// Everything the service is configured with, read and checked whole before anything starts: the
// configuration, the key files, the admin token secret, the routeboek and the school calendar.
struct Startup {
    Config config;
    HubPseudonymiser pseudonymiser;
    std::optional<linkage::RecordEncoder> encoder;  // null without a linkage key
    DataKeys data_keys;                             // seals free text and keys the audit chain
    AdminAuth auth;
    std::optional<routeboek::Routeboek> routeboek;         // no plans without one; the default (PO) routeboek
    std::vector<routeboek::Routeboek> sector_routeboeken;  // `routeboeken:`, per sector
    std::unique_ptr<routeboek::SchoolCalendar> calendar;
    PrivacySeed privacy;  // the agreements file (and the test-only default agreement)

    // Every routeboek, the default first (for the engine).
    [[nodiscard]] std::vector<const routeboek::Routeboek*> all_routeboeken() const {
        std::vector<const routeboek::Routeboek*> all{&*routeboek};
        for (const auto& r : sector_routeboeken) all.push_back(&r);
        return all;
    }
};

// The `routeboeken:` files, each checked whole like `routeboek:` and its sector against the
// setting's; nullopt after their problems were printed.
std::optional<std::vector<routeboek::Routeboek>> load_sector_routeboeken(const Config& config) {
    std::vector<routeboek::Routeboek> loaded;
    for (std::size_t i = 0; i < config.routeboeken.size(); ++i) {
        const auto& setting = config.routeboeken[i];
        auto book = load_routeboek(setting.file);
        if (!book) {
            print_problems(setting.file, book.problems());
            return std::nullopt;
        }
        if (book->sector != setting.sector) {
            print_problems(setting.file,
                           {Problem{"/routeboek/sector", "is " + book->sector + ", but the settings list it as the " +
                                                             setting.sector + " routeboek (/routeboeken/" +
                                                             std::to_string(i) + "/sector)"}});
            return std::nullopt;
        }
        loaded.push_back(std::move(book).value());
    }
    return loaded;
}

// The startup files, or nullopt after their problems were printed.
std::optional<Startup> load_startup(const std::string& config_path) {
    auto config = load_config(config_path);
    if (!config) {
        print_problems(config_path, config.problems());
        return std::nullopt;
    }
    // Key and secret files others may read are refused before any is read (docs/security.md).
    if (const Problems modes = check_secret_file_modes(config.value()); !modes.empty()) {
        print_problems(config_path, modes);
        return std::nullopt;
    }
    auto pseudonymiser = load_pseudonymiser(config.value());
    if (!pseudonymiser) {
        print_problems(config_path, pseudonymiser.problems());
        return std::nullopt;
    }
    std::optional<linkage::RecordEncoder> encoder;
    if (config->linkage.key) {
        auto key = load_key_file(*config->linkage.key);
        if (!key) {
            print_problems(config_path, {Problem{"/keys/linkage_key/file", key.problems()[0].detail}});
            return std::nullopt;
        }
        encoder.emplace(key.value());
    }
    auto data_keys = load_data_keys(config.value());
    if (!data_keys) {
        print_problems(config_path, data_keys.problems());
        return std::nullopt;
    }
    auto auth = AdminAuth::from_file(config->admin.jwt_secret_file);
    if (!auth) {
        print_problems(config_path, auth.problems());
        return std::nullopt;
    }
    // The routeboek is checked whole before anything starts: no half-configured plans.
    std::optional<routeboek::Routeboek> routeboek;
    if (config->routeboek) {
        auto loaded = load_routeboek(*config->routeboek);
        if (!loaded) {
            print_problems(*config->routeboek, loaded.problems());
            return std::nullopt;
        }
        routeboek = std::move(loaded).value();
    }
    auto sector_routeboeken = load_sector_routeboeken(config.value());
    if (!sector_routeboeken) return std::nullopt;
    // Without `routeboek:` the first of `routeboeken:` is the default.
    if (!routeboek && !sector_routeboeken->empty()) {
        routeboek = std::move(sector_routeboeken->front());
        sector_routeboeken->erase(sector_routeboeken->begin());
    }
    auto calendar = load_configured_school_calendar(config->school_calendar);
    if (!calendar) return std::nullopt;
    PrivacySeed privacy;
    if (config->privacy.agreements_file) {
        auto loaded = load_agreements_file(*config->privacy.agreements_file);
        if (!loaded) {
            print_problems(*config->privacy.agreements_file, loaded.problems());
            return std::nullopt;
        }
        privacy = std::move(loaded).value();
    }
    if (config->testing.default_agreement) {
        PrivacySeed test = test_default_seed(config.value());
        privacy.activities.insert(privacy.activities.end(), test.activities.begin(), test.activities.end());
        privacy.agreements.insert(privacy.agreements.end(), test.agreements.begin(), test.agreements.end());
    }
    return Startup{std::move(config).value(),
                   std::move(pseudonymiser).value(),
                   std::move(encoder),
                   std::move(data_keys).value(),
                   std::move(auth).value(),
                   std::move(routeboek),
                   std::move(*sector_routeboeken),
                   std::move(*calendar),
                   std::move(privacy)};
}

// --repseudonymise: every stored pseudonym to the current key version, with a progress bar.
int repseudonymise_all(Database& database, const HubPseudonymiser& pseudonymiser, Poco::Logger& logger) {
    ProgressBar bar("re-pseudonymising");
    const auto counts = repseudonymise(database, pseudonymiser, [&](const RepseudonymiseCounts& c) {
        bar.update(c.migrated + c.failed, c.to_migrate);
    });
    bar.finish();
    const int version = pseudonymiser.ring().current().version();
    std::cout << "re-pseudonymised to key version " << version << ": " << counts.migrated << " migrated, "
              << counts.failed << " failed, of " << counts.to_migrate << " on older versions; " << counts.left
              << " left\n";
    log_event(logger, Poco::Message::PRIO_NOTICE, "eenplan", "identity.repseudonymised", "re-pseudonymisation finished",
              {{"count", std::to_string(counts.migrated)}, {"version", std::to_string(version)}});
    return counts.failed == 0 && counts.left == 0 ? Poco::Util::Application::EXIT_OK
                                                  : Poco::Util::Application::EXIT_DATAERR;
}

// consent.given and consent.withdrawn signals become consents (privacy/privacy_store.hpp) as soon
// as they are stored; a failure is logged and made good at the next start (apply_consent_signals).
class ConsentSignalRecorder final : public SignalStoredSubscriber {
public:
    ConsentSignalRecorder(PrivacyStore& store, Poco::Logger& logger) : store_(store), logger_(logger) {}
    void signal_stored(const SignalStored& event) noexcept override {
        if (event.type != SignalType::consent_given && event.type != SignalType::consent_withdrawn) return;
        try {
            store_.apply_consent_signal(event.signal_id);
        } catch (const std::exception& error) {
            log_event(logger_, Poco::Message::PRIO_ERROR, "privacy", "consent.signal_failed",
                      "a consent signal was stored but not yet applied; it is applied at the next start",
                      {{"signal_id", event.signal_id}, {"error", loggable_error(error)}});
        }
    }

private:
    PrivacyStore& store_;
    Poco::Logger& logger_;
};

// The running service's parts, built in dependency order (and so destroyed in reverse): the
// ingest pipeline and its authentication step, the record views, the outbox and its dispatcher,
// the plan worker when a routeboek is configured, and what the HTTP handlers may reach.
struct RunningService {
    RunningService(const Startup& startup, Database& database, const TextSealer& sealer, AuditTrail& audit,
                   Retention& retention, AuditAnchor* anchor, Poco::Logger& logger)
        : manual_clock(startup.config.testing.manual_clock ? std::make_unique<ManualClock>(system_clock().now())
                                                           : nullptr),
          clock(manual_clock ? static_cast<const Clock&>(*manual_clock) : system_clock()),
          signals(database),
          records(database, startup.config.linkage, sealer),
          ingest(signals, startup.pseudonymiser, records, startup.encoder ? &*startup.encoder : nullptr, stored_signals,
                 static_cast<std::size_t>(startup.config.ingest.batch_writers)),
          authenticator(startup.config),
          views(database, sealer),
          record_admin(database, sealer),
          outbox_store(database, new_uuid()),
          outbox(startup.config, startup.pseudonymiser.ring().current(), sealer,
                 startup.pseudonymiser.polymorphic_subjects()),
          privacy(database),
          consent_signals(privacy, logger),
          gate(startup.config, privacy),
          dispatcher(startup.config, outbox_store, gate, clock, metrics, logger, startup.pseudonymiser.converter()),
          notifications(database, authenticator, ingest, logger),
          notification_worker(notifications, zaken_api, [this] { return clock.now_us(); }),
          delivery{outbox, outbox_store, dispatcher},
          console_store(database, startup.config),
          rate_limits(startup.config),
          retention_schedule(retention, anchor, startup.config.retention, clock, logger),
          console(database, startup.config.console, clock),
          context{startup.config, database,     [&database] { return database.ready(); },
                  ingest,         metrics,      logger,
                  views,          record_admin, startup.auth,
                  &delivery} {
        context.authenticator = &authenticator;
        context.notifications = &notifications;
        context.audit = &audit;
        context.clock = &clock;
        context.test_clock = manual_clock.get();
        context.rate_limits = &rate_limits;
        context.retention = &retention;
        context.privacy = &privacy;
        context.console_api = &console_store;
        context.console = &console;
        records.set_metrics(&metrics);
        stored_signals.subscribe(consent_signals);
        notifications.on_accepted([this] { notification_worker.wake(); });
        outbox.on_queued([this] { dispatcher.wake(); });  // after a queueing commit: no poll to wait for
        if (startup.routeboek) {
            plans.emplace(database,
                          routeboek::Engine(startup.all_routeboeken(), startup.calendar.get(),
                                            routeboek::SchoolSectors(startup.config.school_sectors.begin(),
                                                                     startup.config.school_sectors.end())),
                          &outbox, clock, sealer, logger);
            plans->set_metrics(&metrics);
            // 0: two threads on PostgreSQL; SQLite has one writer, which more threads only wait for.
            const int workers = startup.config.plan.workers > 0             ? startup.config.plan.workers
                                : database.backend() == Backend::postgresql ? 2
                                                                            : 1;
            plans->set_workers(workers, startup.config.plan.batch_size);
            plan_views.emplace(*plans);
            context.plans = &*plan_views;
            stored_signals.subscribe(*plans);  // before the server takes its first request
            context.reconciliation = &reconciler.emplace(database, startup.pseudonymiser, *startup.routeboek,
                                                         startup.pseudonymiser.ring().current());
        }
        if (!startup.config.testing.commit_hold_file.empty()) {
            log_event(logger, Poco::Message::PRIO_WARNING, "eenplan", "service.commit_hold",
                      "test-only commit hold: ingest batches wait before COMMIT while the hold file exists");
            records.hold_commits_on(startup.config.testing.commit_hold_file);
        }
        // Moving the test clock wakes whoever waits for time (from the first request on).
        if (manual_clock) {
            log_event(logger, Poco::Message::PRIO_WARNING, "eenplan", "service.manual_clock",
                      "test-only manual clock: time stands still until POST /v1/test/clock");
            manual_clock->on_advance([this] {
                dispatcher.wake();
                notification_worker.wake();
                retention_schedule.wake();
                if (plans) plans->wake();
            });
        }
        for (const SourceConfig& source : startup.config.sources) {
            if (!source.grant.unrestricted()) continue;
            log_event(logger, Poco::Message::PRIO_WARNING, "eenplan", "source.unrestricted",
                      "this source may send every signal type for every school and municipality; set sources[].allow",
                      {{"source_id", source.id}});
        }
    }
    RunningService(const RunningService&) = delete;
    RunningService& operator=(const RunningService&) = delete;

    void start() {
        dispatcher.start();
        notification_worker.start();
        retention_schedule.start();
        if (plans) plans->start();
    }
    void stop() {
        if (plans) plans->stop();
        retention_schedule.stop();
        notification_worker.stop();
        dispatcher.stop();
    }

    // One clock for the handlers and the workers: the system's, or (test-only) one that stands
    // still until POST /v1/test/clock moves it.
    std::unique_ptr<ManualClock> manual_clock;
    const Clock& clock;
    SignalStore signals;
    Metrics metrics;
    RecordKeeper records;
    // "signal stored": the pipeline publishes it, the plan worker subscribes.
    SignalStoredPublisher stored_signals;
    IngestPipeline ingest;
    const Authenticator authenticator;
    RecordViews views;
    RecordAdmin record_admin;
    // The outbox: tasks queued in the deciding transaction, delivered by this instance's dispatcher.
    OutboxStore outbox_store;
    TaskOutbox outbox;
    // Agreements, consents and the disclosure log; the gate every delivery passes before it is sent.
    PrivacyStore privacy;
    ConsentSignalRecorder consent_signals;
    DisclosureGate gate;
    Dispatcher dispatcher;
    // ZGW notifications: stored by the handler, their rol read from the Zaken API (each lookup done
    // within 5 s, at most 64 KiB) by one worker off the request threads.
    const inbound::ZakenApiRolLookup zaken_api{std::chrono::seconds(5), 64 * 1024};
    NotificationInbox notifications;
    inbound::ZgwNotificationWorker notification_worker;
    DeliveryServices delivery;
    ConsoleStore console_store;  // the console's data views (GET /v1/console/...)
    SourceRateLimits rate_limits;
    RetentionScheduler retention_schedule;  // the scheduled purge and the audit trail's anchor
    ConsoleAuth console;                    // the console's sign-in: accounts, sessions, OpenID Connect
    ServiceContext context;
    std::optional<PlanKeeper> plans;
    std::optional<PlanViews> plan_views;
    std::optional<Reconciler> reconciler;
};

// TLS for the listener, and for any recipient or Zaken API reached over https.
bool needs_ssl(const Config& config) {
    bool https = config.listen.tls.has_value();
    https = https || config.keyserver.has_value();
    for (const RecipientConfig& r : config.recipients) https = https || r.url.starts_with("https");
    for (const SourceConfig& source : config.sources) {
        https = https || (source.notifications && source.notifications->zaken_api.starts_with("https"));
    }
    https = https || (config.console.oidc && config.console.oidc->issuer.starts_with("https"));
    return https;
}

// Listens and runs until `wait_for_termination` returns, then stops in order.
void serve(const Startup& startup, Database& database, const TextSealer& sealer, AuditTrail& audit,
           Retention& retention, AuditAnchor* anchor, Poco::Logger& logger,
           const std::function<void()>& wait_for_termination) {
    RunningService service(startup, database, sealer, audit, retention, anchor, logger);
    if (needs_ssl(startup.config)) Poco::Net::initializeSSL();
    HttpServer server(new Router(service.context), make_socket(startup.config.listen),
                      startup.config.listen.tls.has_value(), startup.config.listen.threads,
                      startup.config.listen.connections, service.metrics);
    server.start();
    log_event(logger, Poco::Message::PRIO_NOTICE, "eenplan", "service.listening", "listening",
              {{"port", std::to_string(server.port())}, {"version", EENPLAN_VERSION}});
    service.start();

    wait_for_termination();
    server.stop();
    service.stop();
    log_event(logger, Poco::Message::PRIO_NOTICE, "eenplan", "service.stopped", "stopped");
}

// Seals the free text stored before sealing began (store/sealed_text_migration.hpp), once.
void seal_stored_free_text(Database& database, const TextSealer& sealer, Poco::Logger& logger) {
    static const std::string name = "0009_seal_free_text";
    if (data_migration_done(database, name)) return;
    const long long columns = seal_free_text_columns(database, sealer);
    const long long plans = seal_stored_plans(database, sealer);
    record_data_migration(database, name, columns + plans, system_clock().now_us());
    log_event(logger, Poco::Message::PRIO_NOTICE, "eenplan", "store.free_text_sealed",
              "free text stored before sealing is sealed", {{"count", std::to_string(columns + plans)}});
}

// Seals the payloads stored before payload keys (retention/payload_keys.hpp), once.
void seal_stored_payloads_once(Database& database, Poco::Logger& logger) {
    static const std::string name = "0014_seal_payloads";
    if (data_migration_done(database, name)) return;
    const long long sealed = seal_stored_payloads(database);
    record_data_migration(database, name, sealed, system_clock().now_us());
    log_event(logger, Poco::Message::PRIO_NOTICE, "eenplan", "store.payloads_sealed",
              "payloads stored before payload keys are sealed", {{"count", std::to_string(sealed)}});
}

// --verify-audit: 0 when every link holds and the trail still reaches its last anchor, 65
// (EX_DATAERR) with the first broken link or the anchor it no longer matches otherwise.
int verify_audit_trail(AuditTrail& audit, AuditAnchor* anchor) {
    const auto result = audit.verify();
    if (!result.broken && anchor != nullptr) {
        const auto anchored = anchor->check();
        if (anchored.problem) {
            std::cout << "audit trail does not match its anchor: " << *anchored.problem << "\n";
            return Poco::Util::Application::EXIT_DATAERR;
        }
        if (anchored.last) {
            std::cout << "audit trail reaches its last anchor (entry " << anchored.last->sequence << ")\n";
        }
    }
    if (!result.broken) {
        std::cout << "audit trail intact: " << result.checked << " entries checked\n";
        return Poco::Util::Application::EXIT_OK;
    }
    std::cout << "audit trail broken at entry " << result.broken->sequence << ": " << result.broken->detail << " ("
              << result.checked << " of " << result.written << " entries hold before it)\n";
    return Poco::Util::Application::EXIT_DATAERR;
}

// --purge [--dry-run]: one retention run by the system clock, reported on standard output.
int purge_once(Retention& retention, bool dry_run) {
    const RetentionRun run = retention.purge(system_clock().now_us(), dry_run, "eenplan-service --purge");
    std::cout << (dry_run ? "retention dry run " : "retention run ") << run.run_id << ":";
    for (const auto& [kind, n] : run.counts) std::cout << " " << kind << "=" << n;
    std::cout << "\nids digest " << run.ids_digest << "\nproof " << run.proof << "\n";
    return Poco::Util::Application::EXIT_OK;
}

// --add-user: the account with its roles and a password from the file (mode 0600) or standard input
// (one line). 64 (EX_USAGE) for a role that is not known or a password shorter than 12 characters.
int add_console_user(Database& database, const std::string& name, const std::vector<std::string>& roles,
                     const std::optional<std::string>& password_file) {
    if (roles.empty()) {
        std::cerr << "eenplan-service: --add-user needs at least one --role (admin, privacy_officer, auditor)\n";
        return Poco::Util::Application::EXIT_USAGE;
    }
    for (const std::string& role : roles) {
        if (!known_console_role(role)) {
            std::cerr << "eenplan-service: --role " << role << " is not admin, privacy_officer or auditor\n";
            return Poco::Util::Application::EXIT_USAGE;
        }
    }
    if (name.size() > 200 || name.find_first_of(",\n\r\t ") != std::string::npos) {
        std::cerr << "eenplan-service: --add-user takes a name of at most 200 characters without spaces or commas\n";
        return Poco::Util::Application::EXIT_USAGE;
    }
    std::string password;
    if (password_file) {
        auto text = read_secret_file(*password_file, "--password-file");
        if (!text) {
            std::cerr << "eenplan-service: " << text.problems()[0].pointer << ": " << text.problems()[0].detail << "\n";
            return Poco::Util::Application::EXIT_USAGE;
        }
        password = std::move(text).value();
    } else {
        std::getline(std::cin, password);
        while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
    }
    if (password.size() < 12) {
        std::cerr << "eenplan-service: the password must hold at least 12 characters\n";
        return Poco::Util::Application::EXIT_USAGE;
    }
    ConsoleAuth::put_account(database, name, roles, password, system_clock().now_us());
    OPENSSL_cleanse(password.data(), password.size());
    std::cout << "console account " << name << " saved\n";
    return Poco::Util::Application::EXIT_OK;
}

}  // namespace

void ServiceApplication::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(
        Option("help", "h", "show the options and exit")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_help)));
    options.addOption(
        Option("config", "c", "the YAML configuration file (see deploy/config/eenplan.example.yaml)")
            .argument("file")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_config)));
    options.addOption(
        Option("check-config", "", "validate the configuration and key files, then exit")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(
        Option("migrate", "", "apply the database migrations, then exit")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(
        Option("repseudonymise", "",
               "move every stored pseudonym to the current key version (after a rotation), then exit")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(
        Option("verify-audit", "", "check every link of the audit trail, report the first broken one, then exit")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(
        Option("purge", "", "remove what is past its retention term (docs/retention.md), report the run, then exit")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(
        Option("dry-run", "", "with --purge: count what would be removed, remove nothing")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(
        Option(
            "add-user", "",
            "create a console account (or replace its password and roles), reading the password from --password-file "
            "or standard input, then exit")
            .argument("name")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_add_user)));
    options.addOption(
        Option("role", "", "with --add-user: admin, privacy_officer or auditor (repeat for several)")
            .argument("role")
            .repeatable(true)
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_add_user)));
    options.addOption(
        Option("password-file", "", "with --add-user: the file holding the password (mode 0600)")
            .argument("file")
            .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_add_user)));
    options.addOption(
        Option("check-routeboek", "",
               "dry run: run the scenario files of --scenarios through this routeboek, print what fired and why, "
               "exit non-zero when an expectation fails (no --config needed)")
            .argument("file")
            .callback(
                Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_routeboek_check)));
    options.addOption(Option("scenarios", "", "the directory of scenario files (*.yaml) for --check-routeboek")
                          .argument("dir")
                          .callback(Poco::Util::OptionCallback<ServiceApplication>(
                              this, &ServiceApplication::handle_routeboek_check)));
    options.addOption(
        Option("school-calendar", "", "the school calendar for --check-routeboek (without it: calendar days)")
            .argument("file")
            .callback(
                Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_routeboek_check)));
}

void ServiceApplication::handle_routeboek_check(const std::string& name, const std::string& value) {
    if (name == "check-routeboek") check_routeboek_ = value;
    if (name == "scenarios") scenarios_dir_ = value;
    if (name == "school-calendar") check_calendar_ = value;
}

void ServiceApplication::handle_add_user(const std::string& name, const std::string& value) {
    if (name == "add-user") add_user_ = value;
    if (name == "role") add_user_roles_.push_back(value);
    if (name == "password-file") password_file_ = value;
}

void ServiceApplication::handle_help(const std::string&, const std::string&) {
    help_requested_ = true;
    Poco::Util::HelpFormatter formatter(options());
    formatter.setCommand(commandName());
    formatter.setUsage("--config <file> [--check-config | --migrate]");
    formatter.setHeader(
        "eenplan-service: receives signed signals from school and municipal systems, "
        "pseudonymises them and stores them durably.");
    formatter.format(std::cout);
    stopOptionsProcessing();
}

void ServiceApplication::handle_config(const std::string&, const std::string& value) { config_path_ = value; }

void ServiceApplication::handle_flag(const std::string& name, const std::string&) {
    if (name == "check-config") check_only_ = true;
    if (name == "migrate") migrate_only_ = true;
    if (name == "repseudonymise") repseudonymise_ = true;
    if (name == "verify-audit") verify_audit_ = true;
    if (name == "purge") purge_ = true;
    if (name == "dry-run") dry_run_ = true;
}

int ServiceApplication::main(const std::vector<std::string>&) {
    if (help_requested_) return EXIT_OK;
    if (!check_routeboek_.empty()) {
        if (scenarios_dir_.empty()) {
            std::cerr << "eenplan-service: --check-routeboek needs --scenarios <dir>\n";
            return EXIT_USAGE;
        }
        const int failed = check_routeboek({check_routeboek_, scenarios_dir_, check_calendar_}, std::cout);
        return failed == 0 ? EXIT_OK : failed == 1 ? EXIT_DATAERR : EXIT_CONFIG;
    }
    if (config_path_.empty()) {
        std::cerr << "eenplan-service: --config <file> is required (--help lists the options)\n";
        return EXIT_USAGE;
    }
    std::optional<Startup> startup = load_startup(config_path_);
    if (!startup) return EXIT_CONFIG;
    if (check_only_) {
        std::cout << "eenplan-service: " << config_path_ << " is valid\n";
        return EXIT_OK;
    }

    Poco::Logger& logger = setup_logging(startup->config.logging);
    try {
        Database database(startup->config.database);
        const int applied = database.migrate();
        log_event(logger, Poco::Message::PRIO_INFORMATION, "eenplan", "store.migrated", "migrations applied",
                  {{"count", std::to_string(applied)}});
        const TextSealer sealer(startup->data_keys.ring);
        seal_stored_free_text(database, sealer, logger);
        // Payload keys: in a key store of their own when configured (docs/retention.md).
        const RetentionConfig& retention_config = startup->config.retention;
        std::optional<Database> key_store;
        if (retention_config.key_store) key_store.emplace(*retention_config.key_store);
        PayloadKeys payload_keys(key_store ? &*key_store : nullptr, startup->data_keys.ring);
        payload_keys.prepare();
        install_payload_keys(&payload_keys);
        struct Uninstall {
            ~Uninstall() { install_payload_keys(nullptr); }
        } uninstall;
        seal_stored_payloads_once(database, logger);
        if (migrate_only_) return EXIT_OK;
        if (!add_user_.empty()) return add_console_user(database, add_user_, add_user_roles_, password_file_);
        AuditTrail audit(database, startup->data_keys.ring);
        std::optional<AuditAnchor> anchor;
        if (retention_config.anchor_file)
            anchor.emplace(database, startup->data_keys.ring, *retention_config.anchor_file);
        AuditAnchor* anchor_ptr = anchor ? &*anchor : nullptr;
        if (verify_audit_) return verify_audit_trail(audit, anchor_ptr);
        Retention retention(database, retention_config, payload_keys, startup->data_keys.ring, &audit, anchor_ptr);
        if (purge_) return purge_once(retention, dry_run_);
        if (!key_store) {
            log_event(logger, Poco::Message::PRIO_WARNING, "eenplan", "retention.keys_in_main_store",
                      "payload keys are kept in the main store: a backup of it still opens an erased family's "
                      "payloads; set retention.key_store");
        }
        if (startup->data_keys.derived) {
            log_event(logger, Poco::Message::PRIO_WARNING, "eenplan", "keys.data_keys_derived",
                      "no keys.data_keys: free text and the audit chain use keys derived from the pseudonym keys");
        }
        if (repseudonymise_) return repseudonymise_all(database, startup->pseudonymiser, logger);
        {
            PrivacyStore privacy(database);
            const Problems seeded = apply_seed(privacy, startup->privacy, system_clock().now_us());
            if (!seeded.empty()) {
                print_problems(startup->config.privacy.agreements_file.value_or(config_path_), seeded);
                return EXIT_CONFIG;
            }
            privacy.apply_consent_signals();
        }
        serve(*startup, database, sealer, audit, retention, anchor_ptr, logger,
              [this] { waitForTerminationRequest(); });
    } catch (const StoreUnavailable& error) {
        log_event(logger, Poco::Message::PRIO_FATAL, "eenplan", "service.failed",
                  "cannot start: the database is unavailable", {{"error", loggable_error(error)}});
        return EXIT_UNAVAILABLE;
    } catch (const Poco::Exception& error) {
        log_event(logger, Poco::Message::PRIO_FATAL, "eenplan", "service.failed", "cannot start",
                  {{"error", error.displayText()}});
        return EXIT_SOFTWARE;
    }
    return EXIT_OK;
}

}  // namespace eenplan::service

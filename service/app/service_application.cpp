#include "app/service_application.hpp"

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Timestamp.h>
#include <Poco/Util/IntValidator.h>

#include "app/progress_bar.hpp"
#include "audit/audit_trail.hpp"
#include "common/ids.hpp"
#include "config/config.hpp"
#include "http/admin_auth.hpp"
#include "http/router.hpp"
#include "identity/hub_pseudonymiser.hpp"
#include "identity/key_files.hpp"
#include "identity/repseudonymise_job.hpp"
#include "ingest/ingest_pipeline.hpp"
#include "observability/json_log_formatter.hpp"
#include "observability/metrics.hpp"
#include "outbox/delivery_services.hpp"
#include "inbound/bounded_rol_lookup.hpp"
#include "inbound/zgw_rol_lookup.hpp"
#include "ingest/authenticator.hpp"
#include "plan/plan_keeper.hpp"
#include "record/record_admin.hpp"
#include "record/record_keeper.hpp"
#include "record/record_views.hpp"
#include "routeboek/routeboek_loader.hpp"
#include "routeboek/school_calendar_loader.hpp"
#include "store/database.hpp"
#include "store/sealed_text_migration.hpp"
#include "store/signal_store.hpp"

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

Result<HubPseudonymiser> load_pseudonymiser(const Config& config) {
    auto ring = load_key_ring(config.pseudonym_keys);
    if (!ring) return ring.problems();
    std::optional<PolymorphicMasterKeys> master;
    if (config.polymorphic_master_key) {
        auto keys = load_master_keys(*config.polymorphic_master_key);
        if (!keys) return keys.problems();
        master = std::move(keys).value();
    }
    return HubPseudonymiser(std::move(ring).value(), std::move(master));
}

// Seals the free text stored before sealing began (store/sealed_text_migration.hpp), once.
void seal_stored_free_text(Database& database, const TextSealer& sealer, Poco::Logger& logger) {
    static const std::string name = "0009_seal_free_text";
    if (data_migration_done(database, name)) return;
    const long long columns = seal_free_text_columns(database, sealer);
    const long long plans = seal_stored_plans(database, sealer);
    record_data_migration(database, name, columns + plans, Poco::Timestamp().epochMicroseconds());
    Poco::Message sealed("eenplan", "free text stored before sealing is sealed", Poco::Message::PRIO_NOTICE);
    sealed.set("event", "store.free_text_sealed");
    sealed.set("count", std::to_string(columns + plans));
    logger.log(sealed);
}

// --verify-audit: 0 when every link holds, 65 (EX_DATAERR) with the first broken link otherwise.
int verify_audit_trail(AuditTrail& audit) {
    const auto result = audit.verify();
    if (!result.broken) {
        std::cout << "audit trail intact: " << result.checked << " entries checked\n";
        return Poco::Util::Application::EXIT_OK;
    }
    std::cout << "audit trail broken at entry " << result.broken->sequence << ": " << result.broken->detail << " ("
              << result.checked << " of " << result.written << " entries hold before it)\n";
    return Poco::Util::Application::EXIT_DATAERR;
}

Poco::Net::ServerSocket make_socket(const ListenConfig& listen) {
    const Poco::Net::SocketAddress address(listen.address, listen.port);
    if (!listen.tls) return Poco::Net::ServerSocket(address);
    Poco::Net::Context::Params params;
    params.privateKeyFile = listen.tls->private_key;
    params.certificateFile = listen.tls->certificate;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients authenticate by signature
    params.cipherList = "HIGH:!aNULL:!MD5:!RC4:!3DES";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return Poco::Net::SecureServerSocket(address, 64, context);
}

}  // namespace

void ServiceApplication::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Option("help", "h", "show the options and exit")
                          .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_help)));
    options.addOption(Option("config", "c", "the YAML configuration file (see deploy/config/eenplan.example.yaml)")
                          .argument("file")
                          .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_config)));
    options.addOption(Option("check-config", "", "validate the configuration and key files, then exit")
                          .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(Option("migrate", "", "apply the database migrations, then exit")
                          .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(Option("repseudonymise", "",
                             "move every stored pseudonym to the current key version (after a rotation), then exit")
                          .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
    options.addOption(Option("verify-audit", "", "check every link of the audit trail, report the first broken one, then exit")
                          .callback(Poco::Util::OptionCallback<ServiceApplication>(this, &ServiceApplication::handle_flag)));
}

void ServiceApplication::handle_help(const std::string&, const std::string&) {
    help_requested_ = true;
    Poco::Util::HelpFormatter formatter(options());
    formatter.setCommand(commandName());
    formatter.setUsage("--config <file> [--check-config | --migrate]");
    formatter.setHeader("eenplan-service: receives signed signals from school and municipal systems, "
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
}

int ServiceApplication::main(const std::vector<std::string>&) {
    if (help_requested_) return EXIT_OK;
    if (config_path_.empty()) {
        std::cerr << "eenplan-service: --config <file> is required (--help lists the options)\n";
        return EXIT_USAGE;
    }
    auto config = load_config(config_path_);
    if (!config) {
        print_problems(config_path_, config.problems());
        return EXIT_CONFIG;
    }
    auto pseudonymiser = load_pseudonymiser(config.value());
    if (!pseudonymiser) {
        print_problems(config_path_, pseudonymiser.problems());
        return EXIT_CONFIG;
    }
    std::optional<linkage::RecordEncoder> encoder;
    if (config->linkage.key) {
        auto key = load_key_file(*config->linkage.key);
        if (!key) {
            print_problems(config_path_, {Problem{"/keys/linkage_key/file", key.problems()[0].detail}});
            return EXIT_CONFIG;
        }
        encoder.emplace(key.value());
    }
    auto data_keys = load_data_keys(config.value());
    if (!data_keys) {
        print_problems(config_path_, data_keys.problems());
        return EXIT_CONFIG;
    }
    auto auth = AdminAuth::from_file(config->admin.jwt_secret_file);
    if (!auth) {
        print_problems(config_path_, auth.problems());
        return EXIT_CONFIG;
    }
    // The routeboek is checked whole before anything starts: no half-configured plans.
    std::optional<routeboek::Routeboek> routeboek;
    if (config->routeboek) {
        auto loaded = load_routeboek(*config->routeboek);
        if (!loaded) {
            print_problems(*config->routeboek, loaded.problems());
            return EXIT_CONFIG;
        }
        routeboek = std::move(loaded).value();
    }
    auto calendar = load_configured_school_calendar(config->school_calendar);
    if (!calendar) return EXIT_CONFIG;
    if (check_only_) {
        std::cout << "eenplan-service: " << config_path_ << " is valid\n";
        return EXIT_OK;
    }

    Poco::Logger& logger = setup_logging(config->logging);
    try {
        Database database(config->database);
        const int applied = database.migrate();
        Poco::Message migrated("eenplan", "migrations applied", Poco::Message::PRIO_INFORMATION);
        migrated.set("event", "store.migrated");
        migrated.set("count", std::to_string(applied));
        logger.log(migrated);
        const TextSealer sealer(data_keys->ring);
        seal_stored_free_text(database, sealer, logger);
        if (migrate_only_) return EXIT_OK;
        AuditTrail audit(database, data_keys->ring);
        if (verify_audit_) return verify_audit_trail(audit);
        if (data_keys->derived) {
            Poco::Message derived("eenplan", "no keys.data_keys: free text and the audit chain use keys derived from "
                                             "the pseudonym keys", Poco::Message::PRIO_WARNING);
            derived.set("event", "keys.data_keys_derived");
            logger.log(derived);
        }
        if (repseudonymise_) {
            ProgressBar bar("re-pseudonymising");
            const auto counts = repseudonymise(database, pseudonymiser.value(), [&](const RepseudonymiseCounts& c) {
                bar.update(c.migrated + c.failed, c.to_migrate);
            });
            bar.finish();
            std::cout << "re-pseudonymised to key version " << pseudonymiser->ring().current().version() << ": "
                      << counts.migrated << " migrated, " << counts.failed << " failed, of " << counts.to_migrate
                      << " on older versions\n";
            Poco::Message done("eenplan", "re-pseudonymisation finished", Poco::Message::PRIO_NOTICE);
            done.set("event", "identity.repseudonymised");
            done.set("count", std::to_string(counts.migrated));
            done.set("version", std::to_string(pseudonymiser->ring().current().version()));
            logger.log(done);
            return counts.failed == 0 ? EXIT_OK : EXIT_DATAERR;
        }

        SignalStore signals(database);
        Metrics metrics;
        RecordKeeper keeper(database, config->linkage, sealer);
        // "signal stored": the pipeline publishes it, the plan worker (below) subscribes.
        SignalStoredPublisher stored_signals;
        IngestPipeline ingest(signals, pseudonymiser.value(), keeper, encoder ? &*encoder : nullptr, stored_signals);
        const Authenticator authenticator(config.value());
        // The Zaken API behind ZGW notifications: at most 4 lookups at once, 16 waiting, each
        // done within 5 s, so notifications cannot tie up the HTTP workers.
        const inbound::ZakenApiRolLookup zaken_api(std::chrono::seconds(5), 64 * 1024);
        const inbound::BoundedRolLookup rol_lookup(zaken_api, 4, 16, std::chrono::seconds(6));
        RecordViews views(database, sealer);
        RecordAdmin records(database, sealer);
        // The outbox: tasks queued in the deciding transaction, delivered by this instance's dispatcher.
        OutboxStore outbox_store(database, new_uuid());
        TaskOutbox outbox(config.value(), pseudonymiser->ring().current(), sealer);
        Dispatcher dispatcher(config.value(), outbox_store, metrics, logger);
        DeliveryServices delivery{outbox, outbox_store, dispatcher};
        ServiceContext context{config.value(), database, [&database] { return database.ready(); }, ingest, metrics,
                               logger, views, records, auth.value(), &delivery};
        context.authenticator = &authenticator;
        context.rol_lookup = &rol_lookup;
        context.audit = &audit;
        std::optional<PlanKeeper> plans;
        if (routeboek) {
            plans.emplace(database, *routeboek, &outbox, sealer, logger, calendar->get());
            plans->set_metrics(&metrics);
            context.plans = &*plans;
            stored_signals.subscribe(*plans);  // before the server takes its first request
        }

        bool https_recipient = false;
        for (const RecipientConfig& r : config->recipients) https_recipient = https_recipient || r.url.starts_with("https");
        for (const SourceConfig& source : config->sources) {
            https_recipient = https_recipient || (source.notifications && source.notifications->zaken_api.starts_with("https"));
        }
        if (config->listen.tls || https_recipient) Poco::Net::initializeSSL();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(config->listen.threads);
        params->setMaxQueued(256);
        params->setKeepAlive(true);
        Poco::Net::HTTPServer server(new Router(context), make_socket(config->listen), params);
        server.start();

        Poco::Message listening("eenplan", "listening", Poco::Message::PRIO_NOTICE);
        listening.set("event", "service.listening");
        listening.set("port", std::to_string(server.port()));
        listening.set("version", EENPLAN_VERSION);
        logger.log(listening);
        dispatcher.start();
        if (plans) plans->start();

        waitForTerminationRequest();
        server.stopAll(false);
        if (plans) plans->stop();
        dispatcher.stop();
        Poco::Message stopped("eenplan", "stopped", Poco::Message::PRIO_NOTICE);
        stopped.set("event", "service.stopped");
        logger.log(stopped);
    } catch (const StoreUnavailable& error) {
        Poco::Message failed("eenplan", "cannot start: the database is unavailable", Poco::Message::PRIO_FATAL);
        failed.set("event", "service.failed");
        failed.set("error", loggable_error(error));
        logger.log(failed);
        return EXIT_UNAVAILABLE;
    } catch (const Poco::Exception& error) {
        Poco::Message failed("eenplan", "cannot start", Poco::Message::PRIO_FATAL);
        failed.set("event", "service.failed");
        failed.set("error", error.displayText());
        logger.log(failed);
        return EXIT_SOFTWARE;
    }
    return EXIT_OK;
}

}  // namespace eenplan::service

// The service's configuration as a typed value, parsed and validated once at start-up.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/linkage/classification.hpp"
#include "eenplan/core/linkage/fellegi_sunter.hpp"
#include "eenplan/core/policy/rate_limit.hpp"
#include "eenplan/core/policy/source_grant.hpp"
#include "eenplan/core/result.hpp"

namespace eenplan::service {

struct TlsConfig {
    std::string certificate;
    std::string private_key;
    // Mutual TLS: clients are asked for a certificate issued under this CA (optional for the
    // client; sources with client_certificate require one).
    std::optional<std::string> client_ca_file;
};

// Slow and idle clients (listen.connections): a request's header is waited for off the worker
// threads; once a worker has a connection, reading the request is bounded as a whole.
struct ConnectionLimits {
    int header_timeout_ms = 10000;        // accept (or a kept-alive connection's first byte) to a whole header
    int request_read_timeout_ms = 30000;  // a worker's TLS handshake, header and body read, together
    int send_timeout_ms = 10000;          // each write of an answer
    int keep_alive_idle_ms = 10000;       // a kept-alive connection's wait for its next request
    int keep_alive_max_requests = 100;    // then the connection is closed
    int max_pending = 512;                // connections waiting for their header; the oldest is closed
    int max_queued = 64;                  // whole requests waiting for a worker; more are closed
};

struct ListenConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8443;
    int threads = 16;
    std::optional<TlsConfig> tls;
    ConnectionLimits connections;
};

enum class Backend { sqlite, postgresql };

struct DatabaseConfig {
    Backend backend = Backend::sqlite;
    std::string connection;  // a SOCI connection string for the backend
    int pool_size = 8;
    // PostgreSQL: statement_timeout of every pooled session, so one stuck query cannot hold a
    // connection (and a worker) for ever; 0 turns it off. Sessions also set synchronous_commit=on.
    int statement_timeout_seconds = 30;
};

struct KeyFile {
    std::uint32_t version;
    std::string path;
};

// keys.keyserver: the hub converts through eenplan-keyserver and holds no master key.
struct KeyServerSettings {
    std::string url;         // https://host:port
    std::string public_key;  // hex of the master public key Y
    std::string recipient_key_file;
    // During a rotation of the hub's recipient key: the earlier key(s), accepted beside the current
    // one until the key server converts for the new version (its key_versions).
    std::vector<std::string> previous_recipient_key_files;
    std::string client_certificate_file;
    std::string client_key_file;
    std::string ca_file;
    int timeout_ms = 5000;
    int connections = 4;  // kept-alive connections at most; the key server needs as many threads free
};

struct LoggingConfig {
    std::string level = "information";
    std::optional<std::string> file;  // standard output when absent
};

struct IngestConfig {
    std::size_t max_body_bytes = 1024 * 1024;
    std::int64_t timestamp_tolerance_seconds = 300;
    // Every source's rate limit unless it sets its own (ingest.rate_limit); none when disabled.
    std::optional<policy::RateLimit> rate_limit = policy::RateLimit{};
    // Group commit (ingest/batch_writer.hpp): how many batches may be in flight at once on
    // PostgreSQL; 0 is the default, one. SQLite always has one (its one write lock).
    int batch_writers = 0;
};

struct LinkageConfig {
    std::optional<KeyFile> key;  // CLK and blocking key; attribute linkage is off without it
    // Defaults: the thresholds tuned on the synthetic population (docs/benchmarks/linkage.md).
    double match_threshold = linkage::Thresholds{}.match;
    double possible_threshold = linkage::Thresholds{}.possible;
    // Field-level decision (linkage/fellegi_sunter.hpp): `linkage.fellegi_sunter.{link, review,
    // margin}` in bits, m and u per field and level under `linkage.fellegi_sunter.fields`.
    linkage::FellegiSunterParameters fellegi_sunter;
};

struct AdminConfig {
    std::optional<std::string> jwt_secret_file;  // the admin API refuses everything without it
};

// A source that is a municipality's Zaken API: the Authorization value its Notificaties API sends
// for our abonnement, and how to read a zaak's rollen (JWT-ZGW) for the zaaktypes we follow.
struct NotificationsConfig {
    std::string authorization;
    std::string zaken_api;  // resourceUrls must start with this
    std::string client_id;
    std::string secret;
    std::map<std::string, std::string> zaaktypes;  // zaaktype URL -> provider of support.started
};

// The client certificate a source must present (sources[].client_certificate): every part given
// must match. The subject in RFC 2253 form; the fingerprint as 64 lowercase hex digits.
struct ClientCertificateRule {
    std::optional<std::string> subject;
    std::optional<std::string> sha256;
};

struct SourceConfig {
    std::string id;
    std::string name;
    std::vector<Bytes> secrets;                   // decoded "whsec_" secrets; any of them may sign
    policy::SourceGrant grant;                    // what it may send (sources[].allow); unrestricted when absent
    std::optional<policy::RateLimit> rate_limit;  // sources[].rate_limit, else ingest.rate_limit
    std::optional<ClientCertificateRule> client_certificate;  // mutual TLS; none when absent
    // Inbound adapters (integration/inbound/): the school a LAS export comes from, and the
    // Authorization value a ZGW Notificaties API sends for this source's abonnement.
    std::optional<std::string> school_brin;
    std::optional<std::string> school_gemeentecode;
    std::optional<NotificationsConfig> notifications;
    // A municipality's source: the gemeentecode whose register it may reconcile.
    std::optional<std::string> municipality;
};

// Outbound: one organisation that receives tasks, and how (docs/delivery.md).
enum class ConnectorKind { webhook, nodered, zgw };

struct ZgwRecipientConfig {
    std::string client_id;
    std::string secret;                         // JWT-ZGW HS256 secret
    std::string zaaktype;                       // URL of the zaaktype in the Catalogi API
    std::string statustype;                     // URL of the first statustype
    std::string bronorganisatie;                // RSIN of the hub's organisation
    std::string verantwoordelijke_organisatie;  // RSIN of the responsible municipality
};

struct RecipientConfig {
    std::string id;
    std::string name;
    std::string kind;  // the kind of organisation agreements may name it by (leerplicht, local_team, ...)
    ConnectorKind connector = ConnectorKind::webhook;
    std::string url;  // webhook/Node-RED endpoint, or the Zaken API root
    Bytes secret;     // webhook/Node-RED: the "whsec_" task secret, decoded
    std::optional<std::string> ca_file;
    int timeout_ms = 5000;
    std::vector<int> retry_schedule_seconds{5, 300, 1800, 7200, 18000, 36000, 36000};
    std::int64_t max_age_seconds = 48 * 3600;
    std::optional<ZgwRecipientConfig> zgw;
};

struct DeliveryConfig {
    bool enabled = true;  // false: tasks are queued but this instance sends nothing
    int dispatcher_threads = 4;
    int batch_size = 50;
    int poll_interval_ms = 200;
    int lease_seconds = 120;  // a claimed delivery is due again after this if its claimer died
    int breaker_failure_threshold = 5;
    int breaker_open_seconds = 30;
};

// plan: the plan worker (docs/routeboek.md): threads applying stored signals, each a batch of
// pending signals per transaction.
struct PlanConfig {
    // Worker threads; 0 means the store's default: 2 on PostgreSQL, 1 on SQLite (one writer, so
    // more threads only wait for its lock). The signals of one family are always on one thread.
    int workers = 0;
    // Pending signals applied in one transaction: one commit, one fsync, and a statement per table
    // per batch. 200 kept the pipeline's lag under a second at what the machine of
    // docs/benchmarks/ingest.md carries, where 50 fell behind.
    int batch_size = 200;
};

// Test-only settings (never in a deployed configuration).
struct TestingConfig {
    // The service's clock stands still at its start and only POST /v1/test/clock moves it, so tests
    // advance time instead of sleeping. Refused unless the service listens on loopback only.
    bool manual_clock = false;
    // One built-in agreement covering every configured recipient, every task type and every
    // category but the special ones (statutory basis "test"), so tests not about data sharing keep
    // delivering. Never in a deployed configuration.
    bool default_agreement = false;
    // Ingest batches wait just before their COMMIT while this file exists (record_keeper.hpp), so a
    // fault test can kill the service between a batch's writes and its commit. Loopback only.
    std::string commit_hold_file;
};

// Data sharing (docs/privacy.md): the agreements file loaded at start-up (processing activities and
// agreement versions, schemas/privacy/agreements_file.schema.json). Without any agreement no task
// leaves the hub.
struct PrivacyConfig {
    std::optional<std::string> agreements_file;
};

// How long what the hub stores is kept (docs/retention.md). Defaults follow the Verwijsindex
// (Jeugdwet 7.1.4.5-6): a signal is active 2 years, then archived 5 years, then removed.
struct RetentionTerm {
    int active_days = 730;
    int archive_days = 1825;
};
struct RetentionConfig {
    RetentionTerm signal_default;                       // every signal type not named below
    std::map<std::string, RetentionTerm> signal_types;  // by signal type ("absence.reported")
    int family_days = 2555;                   // a family (or a pupil in none) untouched this long is erased whole
    int delivery_days = 2555;                 // a finished task's deliveries and attempts, from their creation
    int purge_every_hours = 24;               // the scheduled purge; 0: only on request
    std::optional<DatabaseConfig> key_store;  // payload keys kept apart from the main store
    std::optional<std::string> anchor_file;   // the audit trail's end, appended here
    int anchor_every_minutes = 60;
};

// The console's sign-in (console:, docs/security.md): local accounts, sessions and OpenID Connect.
struct OidcConfig {
    std::string issuer;  // discovery at {issuer}/.well-known/openid-configuration
    std::string client_id;
    std::string client_secret;  // read from client_secret_file
    std::string redirect_uri;   // https://<hub>/console/oidc/callback, as registered at the IdP
    std::string roles_claim = "roles";
    std::string username_claim = "sub";  // who acts, in the audit trail
    std::vector<std::string> scopes{"openid"};
    std::optional<std::string> ca_file;  // the IdP's CA; the system's CAs when absent
    bool client_secret_post = false;     // token_endpoint_auth_method; client_secret_basic by default
    int timeout_ms = 5000;
};
struct ConsoleConfig {
    bool local_login = true;
    int idle_timeout_minutes = 30;
    int absolute_timeout_hours = 12;
    int free_attempts = 5;          // failed logins per account before delays begin (an address: 4x)
    int max_lockout_seconds = 900;  // the longest delay a run of failures earns
    std::optional<OidcConfig> oidc;
    // The built assets (console/, served at /console/); without it the build tree's console
    // output, then the installed layout (<prefix>/share/eenplan/console).
    std::optional<std::string> assets_dir;
};

struct Config {
    ListenConfig listen;
    DatabaseConfig database;
    std::vector<KeyFile> pseudonym_keys;
    // The tenant data key ring (32 bytes each): field encryption of free text and the audit chain.
    // Without it both use keys derived from the pseudonym keys (identity/key_files.hpp).
    std::vector<KeyFile> data_keys;
    std::optional<std::string> polymorphic_master_key;  // path of the master key file
    std::optional<KeyServerSettings> keyserver;         // keys.keyserver: never with the master key
    LoggingConfig logging;
    IngestConfig ingest;
    LinkageConfig linkage;
    AdminConfig admin;
    std::optional<std::string> routeboek;  // path of the routeboek file; no plans without it
    // Further routeboeken, per sector (and region): `routeboek` above is the PO one (the default).
    struct SectorRouteboek {
        std::string file;
        std::string sector;  // po, vo, so, mbo
    };
    std::vector<SectorRouteboek> routeboeken;
    std::map<std::string, std::string, std::less<>>
        school_sectors;                          // BRIN → sector, when the inschrijving does not say
    std::optional<std::string> school_calendar;  // path of the school calendar; without it calendar days
    std::vector<SourceConfig> sources;
    DeliveryConfig delivery;
    PlanConfig plan;
    std::vector<RecipientConfig> recipients;
    TestingConfig testing;
    RetentionConfig retention;
    PrivacyConfig privacy;
    ConsoleConfig console;
};

// Reads and validates a YAML configuration file. Relative file paths inside it are resolved
// against the file's own directory. Problems carry a JSON Pointer into the file and a sentence.
// The configured source with this id, or null: the one lookup the ingest endpoint and the inbound
// adapters share.
const SourceConfig* find_source(const Config& config, std::string_view id);

Result<Config> load_config(const std::string& path);
Result<Config> parse_config(const std::string& yaml_text, const std::string& base_dir);

}  // namespace eenplan::service

#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <yaml-cpp/yaml.h>

#include "config/secret_files.hpp"
#include "eenplan/core/signal.hpp"
#include "eenplan/core/standard_webhooks.hpp"
#include "validation/yaml_to_json.hpp"

namespace eenplan::service {
namespace {

std::string resolve(const std::string& path, const std::string& base_dir) {
    const std::filesystem::path p(path);
    if (p.is_absolute() || base_dir.empty()) return path;
    return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

template <typename T>
T get_or(const YAML::Node& node, const char* key, T fallback) {
    return node[key] ? node[key].as<T>() : fallback;
}

// A secret given inline as `key`, or in the file named by `key_file` (read here, its mode checked:
// secret_files.hpp). The schema has made sure exactly one is present. Nullopt after a problem.
std::optional<std::string> inline_or_file(const YAML::Node& node, const std::string& key, const std::string& pointer,
                                          const std::string& base_dir, Problems& problems) {
    if (node[key]) return node[key].as<std::string>();
    const std::string file_key = key + "_file";
    if (!node[file_key]) return std::nullopt;
    auto text = read_secret_file(resolve(node[file_key].as<std::string>(), base_dir), pointer + "/" + file_key);
    if (!text) {
        problems.push_back(text.problems()[0]);
        return std::nullopt;
    }
    return std::move(text).value();
}

// A secret read from a file has not passed the schema's minLength: the same rule, here.
std::string at_least(std::optional<std::string> value, std::size_t length, const std::string& pointer,
                     Problems& problems) {
    if (value && value->size() < length) {
        problems.push_back({pointer, "must hold at least " + std::to_string(length) + " characters"});
    }
    return value.value_or("");
}

// One entry of recipients: its connector and the connector's settings (a webhook secret, ZGW).
RecipientConfig parse_recipient(const YAML::Node& node, const std::string& pointer, const std::string& base_dir,
                                const Config& config, Problems& problems) {
    RecipientConfig r;
    r.id = node["id"].as<std::string>();
    r.name = get_or(node, "name", r.id);
    r.kind = get_or(node, "kind", std::string());
    const std::string kind = node["connector"].as<std::string>();
    r.connector = kind == "zgw"       ? ConnectorKind::zgw
                  : kind == "nodered" ? ConnectorKind::nodered
                                      : ConnectorKind::webhook;
    r.url = node["url"].as<std::string>();
    if (node["ca_file"]) r.ca_file = resolve(node["ca_file"].as<std::string>(), base_dir);
    r.timeout_ms = get_or(node, "timeout_ms", r.timeout_ms);
    if (const YAML::Node retry = node["retry"]) {
        if (retry["schedule_seconds"]) r.retry_schedule_seconds = retry["schedule_seconds"].as<std::vector<int>>();
        r.max_age_seconds = get_or(retry, "max_age_seconds", r.max_age_seconds);
    }
    for (const RecipientConfig& seen : config.recipients) {
        if (seen.id == r.id) problems.push_back({pointer + "/id", "repeats recipient id " + r.id});
    }
    if (r.connector == ConnectorKind::zgw) {
        const YAML::Node z = node["zgw"];
        if (!z) {
            problems.push_back({pointer + "/zgw", "is required for the zgw connector"});
        } else {
            std::string secret = at_least(inline_or_file(z, "secret", pointer + "/zgw", base_dir, problems), 16,
                                          pointer + "/zgw/secret_file", problems);
            r.zgw = ZgwRecipientConfig{
                z["client_id"].as<std::string>(),       std::move(secret),
                z["zaaktype"].as<std::string>(),        z["statustype"].as<std::string>(),
                z["bronorganisatie"].as<std::string>(), z["verantwoordelijke_organisatie"].as<std::string>()};
        }
    } else if (!node["secret"] && !node["secret_file"]) {
        problems.push_back({pointer + "/secret", "is required for the webhook and nodered connectors"});
    } else if (const auto text = inline_or_file(node, "secret", pointer, base_dir, problems)) {
        auto secret = webhooks::parse_secret(*text);
        if (secret) {
            r.secret = std::move(secret).value();
        } else {
            problems.push_back({pointer + "/secret", secret.problems()[0].detail});
        }
    }
    return r;
}

// delivery: and recipients: (docs/delivery.md).
void parse_delivery(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    if (const YAML::Node delivery = root["delivery"]) {
        DeliveryConfig& d = config.delivery;
        d.enabled = get_or(delivery, "enabled", d.enabled);
        d.dispatcher_threads = get_or(delivery, "dispatcher_threads", d.dispatcher_threads);
        d.batch_size = get_or(delivery, "batch_size", d.batch_size);
        d.poll_interval_ms = get_or(delivery, "poll_interval_ms", d.poll_interval_ms);
        d.lease_seconds = get_or(delivery, "lease_seconds", d.lease_seconds);
        if (const YAML::Node breaker = delivery["circuit_breaker"]) {
            d.breaker_failure_threshold = get_or(breaker, "failure_threshold", d.breaker_failure_threshold);
            d.breaker_open_seconds = get_or(breaker, "open_seconds", d.breaker_open_seconds);
        }
    }
    const YAML::Node recipients = root["recipients"];
    for (std::size_t i = 0; recipients && i < recipients.size(); ++i) {
        const std::string pointer = "/recipients/" + std::to_string(i);
        config.recipients.push_back(parse_recipient(recipients[i], pointer, base_dir, config, problems));
    }
}

bool loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

// http:// sends tasks, pseudonyms and the Zaken API's bearer token in the clear: only to loopback
// (a simulator, a sidecar proxy), unless allow_plain_http says the network is protected otherwise.
void check_plain_http(const Config& config, bool allowed, Problems& problems) {
    if (allowed) return;
    const auto check = [&](const std::string& url, const std::string& pointer) {
        if (!url.starts_with("http://")) return;
        std::string host;
        try {
            host = Poco::URI(url).getHost();
        } catch (const Poco::Exception&) {
            problems.push_back({pointer, "is not a URL"});
            return;
        }
        if (!loopback(host)) {
            problems.push_back({pointer,
                                "uses plain http to a host other than loopback; use https, or set "
                                "allow_plain_http: true where the network itself is protected"});
        }
    };
    for (std::size_t i = 0; i < config.recipients.size(); ++i) {
        check(config.recipients[i].url, "/recipients/" + std::to_string(i) + "/url");
    }
    for (std::size_t i = 0; i < config.sources.size(); ++i) {
        if (const auto& n = config.sources[i].notifications) {
            check(n->zaken_api, "/sources/" + std::to_string(i) + "/notifications/zaken_api");
        }
    }
}

// sources[].allow, already checked by the schema (known signal types, BRIN and gemeentecode shapes).
policy::SourceGrant parse_grant(const YAML::Node& allow) {
    policy::SourceGrant grant;
    if (!allow) return grant;
    if (const YAML::Node types = allow["signal_types"]) {
        grant.signal_types.emplace();
        for (const auto& t : types) {
            if (const auto type = parse_signal_type(t.as<std::string>())) grant.signal_types->insert(*type);
        }
    }
    const auto strings = [](const YAML::Node& list) {
        std::set<std::string> out;
        for (const auto& item : list) out.insert(item.as<std::string>());
        return out;
    };
    if (const YAML::Node brins = allow["brins"]) grant.brins = strings(brins);
    if (const YAML::Node codes = allow["gemeentecodes"]) grant.gemeentecodes = strings(codes);
    return grant;
}

// listen: address, port, threads and TLS; TLS is required off loopback.
void parse_listen(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    const YAML::Node listen = root["listen"];
    config.listen.address = listen["address"].as<std::string>();
    config.listen.port = static_cast<std::uint16_t>(listen["port"].as<int>());
    config.listen.threads = get_or(listen, "threads", config.listen.threads);
    if (const YAML::Node c = listen["connections"]) {
        ConnectionLimits& l = config.listen.connections;
        l.header_timeout_ms = get_or(c, "header_timeout_ms", l.header_timeout_ms);
        l.request_read_timeout_ms = get_or(c, "request_read_timeout_ms", l.request_read_timeout_ms);
        l.send_timeout_ms = get_or(c, "send_timeout_ms", l.send_timeout_ms);
        l.keep_alive_idle_ms = get_or(c, "keep_alive_idle_ms", l.keep_alive_idle_ms);
        l.keep_alive_max_requests = get_or(c, "keep_alive_max_requests", l.keep_alive_max_requests);
        l.max_pending = get_or(c, "max_pending", l.max_pending);
        l.max_queued = get_or(c, "max_queued", l.max_queued);
    }
    if (const YAML::Node tls = listen["tls"]) {
        config.listen.tls = TlsConfig{resolve(tls["certificate"].as<std::string>(), base_dir),
                                      resolve(tls["private_key"].as<std::string>(), base_dir), std::nullopt};
        if (tls["client_ca_file"]) {
            config.listen.tls->client_ca_file = resolve(tls["client_ca_file"].as<std::string>(), base_dir);
        }
    }
    if (!config.listen.tls && !loopback(config.listen.address)) {
        problems.push_back({"/listen/tls",
                            "is required unless the service listens on loopback only: "
                            "signals carry personal data and must not cross a network unencrypted"});
    }
}

// A database: the backend and its connection (a relative SQLite file resolved against the file).
void parse_database_node(const YAML::Node& database, const std::string& pointer, const std::string& base_dir,
                         DatabaseConfig& out, Problems& problems) {
    out.backend = database["backend"].as<std::string>() == "postgresql" ? Backend::postgresql : Backend::sqlite;
    // A PostgreSQL connection string may carry a password: connection_file keeps it out of the YAML.
    out.connection = inline_or_file(database, "connection", pointer, base_dir, problems).value_or("");
    out.pool_size = get_or(database, "pool_size", out.pool_size);
    out.statement_timeout_seconds = get_or(database, "statement_timeout_seconds", out.statement_timeout_seconds);
    if (out.backend == Backend::sqlite) {
        // SOCI's SQLite connection string is "db=<path> ..."; resolve a relative path.
        std::string& c = out.connection;
        if (c.starts_with("db=")) {
            const auto end = c.find(' ');
            const std::string file = c.substr(3, end == std::string::npos ? end : end - 3);
            c = "db=" + resolve(file, base_dir) + (end == std::string::npos ? "" : c.substr(end));
        }
    }
}

void parse_database(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    parse_database_node(root["database"], "/database", base_dir, config.database, problems);
}

// retention: the terms, the purge's timer, the payload key store and the audit trail's anchor
// (docs/retention.md). Terms are checked against each other: a family must not expire whole
// while one of its signals is still within its own term.
void parse_retention(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    const YAML::Node retention = root["retention"];
    if (!retention) return;
    RetentionConfig& r = config.retention;
    const auto term = [](const YAML::Node& node, RetentionTerm fallback) {
        fallback.active_days = get_or(node, "active_days", fallback.active_days);
        fallback.archive_days = get_or(node, "archive_days", fallback.archive_days);
        return fallback;
    };
    if (const YAML::Node signals = retention["signals"]) {
        if (signals["default"]) r.signal_default = term(signals["default"], r.signal_default);
        if (const YAML::Node types = signals["types"]) {
            for (const auto& entry : types) {
                const std::string type = entry.first.as<std::string>();
                if (!parse_signal_type(type)) {
                    problems.push_back({"/retention/signals/types/" + type, "is not a signal type"});
                    continue;
                }
                r.signal_types[type] = term(entry.second, r.signal_default);
            }
        }
    }
    if (const YAML::Node records = retention["records"]) {
        r.family_days = get_or(records, "families_days", r.family_days);
        r.delivery_days = get_or(records, "deliveries_days", r.delivery_days);
    }
    r.purge_every_hours = get_or(retention, "purge_every_hours", r.purge_every_hours);
    if (const YAML::Node store = retention["key_store"]) {
        r.key_store.emplace();
        parse_database_node(store, "/retention/key_store", base_dir, *r.key_store, problems);
    }
    if (const YAML::Node anchor = retention["audit_anchor"]) {
        r.anchor_file = resolve(anchor["file"].as<std::string>(), base_dir);
        r.anchor_every_minutes = get_or(anchor, "every_minutes", r.anchor_every_minutes);
    }
    int longest = r.signal_default.active_days + r.signal_default.archive_days;
    for (const auto& [type, t] : r.signal_types) longest = std::max(longest, t.active_days + t.archive_days);
    if (r.family_days < longest) {
        problems.push_back({"/retention/records/families_days",
                            "must be at least the longest signal term (active_days + archive_days, " +
                                std::to_string(longest) + " days): a family must not expire before its signals"});
    }
}

// keys: the hub pseudonym key versions, the polymorphic master key and the linkage key files.
void parse_keys(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    const YAML::Node keys = root["keys"]["pseudonym_keys"];
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto version = keys[i]["version"].as<std::uint32_t>();
        for (const KeyFile& seen : config.pseudonym_keys) {
            if (seen.version == version) {
                problems.push_back({"/keys/pseudonym_keys/" + std::to_string(i) + "/version",
                                    "repeats key version " + std::to_string(version)});
            }
        }
        config.pseudonym_keys.push_back({version, resolve(keys[i]["file"].as<std::string>(), base_dir)});
    }

    const YAML::Node data_keys = root["keys"]["data_keys"];  // field encryption and the audit chain
    for (std::size_t i = 0; i < data_keys.size(); ++i) {
        config.data_keys.push_back(
            {data_keys[i]["version"].as<std::uint32_t>(), resolve(data_keys[i]["file"].as<std::string>(), base_dir)});
    }

    if (const YAML::Node master = root["keys"]["polymorphic_master_key"]) {
        config.polymorphic_master_key = resolve(master.as<std::string>(), base_dir);
    }

    if (const YAML::Node ks = root["keys"]["keyserver"]) {
        KeyServerSettings settings;
        settings.url = ks["url"].as<std::string>();
        while (settings.url.ends_with('/')) settings.url.pop_back();
        settings.public_key = ks["public_key"].as<std::string>();
        settings.recipient_key_file = resolve(ks["recipient_key_file"].as<std::string>(), base_dir);
        for (const auto& file : ks["previous_recipient_key_files"]) {
            settings.previous_recipient_key_files.push_back(resolve(file.as<std::string>(), base_dir));
        }
        settings.client_certificate_file = resolve(ks["client_certificate_file"].as<std::string>(), base_dir);
        settings.client_key_file = resolve(ks["client_key_file"].as<std::string>(), base_dir);
        settings.ca_file = resolve(ks["ca_file"].as<std::string>(), base_dir);
        settings.timeout_ms = get_or(ks, "timeout_ms", settings.timeout_ms);
        settings.connections = get_or(ks, "connections", settings.connections);
        config.keyserver = std::move(settings);
        if (config.polymorphic_master_key) {
            // The schema refuses the pair too; this names it in a sentence.
            problems.push_back({"/keys/polymorphic_master_key",
                                "must not be set with keys.keyserver: the hub holds no master key when a key server "
                                "converts for it"});
        }
    }

    if (const YAML::Node linkage_key = root["keys"]["linkage_key"]) {
        config.linkage.key = KeyFile{linkage_key["version"].as<std::uint32_t>(),
                                     resolve(linkage_key["file"].as<std::string>(), base_dir)};
    }
}

// linkage.fellegi_sunter: the link and review weights and each field's m and u probabilities.
void parse_fellegi_sunter(const YAML::Node& fs, linkage::FellegiSunterParameters& p, Problems& problems) {
    p.link = get_or(fs, "link", p.link);
    p.review = get_or(fs, "review", p.review);
    p.margin = get_or(fs, "margin", p.margin);
    p.tf_cap = get_or(fs, "tf_cap", p.tf_cap);
    p.tf_floor = get_or(fs, "tf_floor", p.tf_floor);
    if (p.review > p.link)
        problems.push_back({"/linkage/fellegi_sunter/review", "must not exceed /linkage/fellegi_sunter/link"});
    const YAML::Node fields = fs["fields"];
    for (std::size_t f = 0; fields && f < linkage::field_count; ++f) {
        const std::string name(linkage::to_string(static_cast<linkage::Field>(f)));
        const YAML::Node field = fields[name];
        if (!field) continue;
        for (const char* which : {"m", "u"}) {
            const YAML::Node values = field[which];
            if (!values || !values.IsSequence() || (values.size() != 4 && values.size() != 5)) {
                problems.push_back({"/linkage/fellegi_sunter/fields/" + name + "/" + which,
                                    "needs five probabilities (agree, near, partial, weak, disagree) or four"});
                continue;
            }
            // Four is the older form without "weak": weak takes partial's value.
            auto& target = which[0] == 'm' ? p.fields[f].m : p.fields[f].u;
            const std::size_t n = values.size();
            for (std::size_t l = 0; l < n; ++l) target[n == 4 && l == 3 ? 4 : l] = values[l].as<double>();
            if (n == 4) target[3] = target[2];
        }
    }
}

// linkage: thresholds and the Fellegi–Sunter parameters (docs/record.md).
void parse_linkage(YAML::Node root, Config& config, Problems& problems) {
    if (const YAML::Node linkage = root["linkage"]) {
        config.linkage.match_threshold = get_or(linkage, "match_threshold", config.linkage.match_threshold);
        config.linkage.possible_threshold = get_or(linkage, "possible_threshold", config.linkage.possible_threshold);
        if (config.linkage.possible_threshold > config.linkage.match_threshold) {
            problems.push_back({"/linkage/possible_threshold", "must not exceed /linkage/match_threshold"});
        }
        if (const YAML::Node fs = linkage["fellegi_sunter"]) {
            parse_fellegi_sunter(fs, config.linkage.fellegi_sunter, problems);
        }
    }
}

// A rate_limit mapping ({per_second, burst}, both > 0 by the schema; enabled: false turns it off).
std::optional<policy::RateLimit> parse_rate_limit(const YAML::Node& node, std::optional<policy::RateLimit> fallback) {
    if (!node) return fallback;
    if (!get_or(node, "enabled", true)) return std::nullopt;
    policy::RateLimit limit = fallback.value_or(policy::RateLimit{});
    limit.per_second = get_or(node, "per_second", limit.per_second);
    limit.burst = get_or(node, "burst", limit.burst);
    return limit;
}

// admin, testing, routeboek, school_calendar, logging and ingest: files and limits.
void parse_files_and_limits(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    if (const YAML::Node admin = root["admin"]) {
        config.admin.jwt_secret_file = resolve(admin["jwt_secret_file"].as<std::string>(), base_dir);
    }
    if (const YAML::Node testing = root["testing"]) {
        config.testing.manual_clock = get_or(testing, "manual_clock", false);
        config.testing.default_agreement = get_or(testing, "default_agreement", false);
        if (config.testing.manual_clock && !loopback(config.listen.address)) {
            problems.push_back({"/testing/manual_clock",
                                "is for tests only: it is refused unless the service listens on loopback only"});
        }
        if (const YAML::Node hold = testing["commit_hold_file"]) {
            config.testing.commit_hold_file = resolve(hold.as<std::string>(), base_dir);
            if (!loopback(config.listen.address)) {
                problems.push_back({"/testing/commit_hold_file",
                                    "is for tests only: it is refused unless the service listens on loopback only"});
            }
        }
    }
    if (const YAML::Node privacy = root["privacy"]; privacy && privacy["agreements_file"]) {
        config.privacy.agreements_file = resolve(privacy["agreements_file"].as<std::string>(), base_dir);
    }
    if (const YAML::Node console = root["console"]; console && console["assets_dir"]) {
        config.console.assets_dir = resolve(console["assets_dir"].as<std::string>(), base_dir);
    }
    if (const YAML::Node plan = root["plan"]) {
        config.plan.workers = get_or(plan, "workers", config.plan.workers);
        config.plan.batch_size = get_or(plan, "batch_size", config.plan.batch_size);
    }
    if (const YAML::Node routeboek = root["routeboek"])
        config.routeboek = resolve(routeboek.as<std::string>(), base_dir);
    if (const YAML::Node c = root["school_calendar"]) config.school_calendar = resolve(c.as<std::string>(), base_dir);
    for (const auto& r : root["routeboeken"])
        config.routeboeken.push_back({resolve(r["file"].as<std::string>(), base_dir), r["sector"].as<std::string>()});
    for (const auto& s : root["school_sectors"])
        config.school_sectors[s.first.as<std::string>()] = s.second.as<std::string>();

    if (const YAML::Node logging = root["logging"]) {
        config.logging.level = get_or(logging, "level", config.logging.level);
        if (logging["file"]) config.logging.file = resolve(logging["file"].as<std::string>(), base_dir);
    }
    if (const YAML::Node ingest = root["ingest"]) {
        config.ingest.max_body_bytes = get_or(ingest, "max_body_bytes", config.ingest.max_body_bytes);
        config.ingest.timestamp_tolerance_seconds =
            get_or(ingest, "timestamp_tolerance_seconds", config.ingest.timestamp_tolerance_seconds);
        config.ingest.rate_limit = parse_rate_limit(ingest["rate_limit"], config.ingest.rate_limit);
        config.ingest.batch_writers = get_or(ingest, "batch_writers", config.ingest.batch_writers);
    }
}

// console: local login, session timeouts, login throttling and the OpenID Connect client.
void parse_console(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    const YAML::Node console = root["console"];
    if (!console) return;
    ConsoleConfig& c = config.console;
    c.local_login = get_or(console, "local_login", c.local_login);
    if (const YAML::Node session = console["session"]) {
        c.idle_timeout_minutes = get_or(session, "idle_timeout_minutes", c.idle_timeout_minutes);
        c.absolute_timeout_hours = get_or(session, "absolute_timeout_hours", c.absolute_timeout_hours);
    }
    if (const YAML::Node throttle = console["login_throttle"]) {
        c.free_attempts = get_or(throttle, "free_attempts", c.free_attempts);
        c.max_lockout_seconds = get_or(throttle, "max_lockout_seconds", c.max_lockout_seconds);
    }
    const YAML::Node oidc = console["oidc"];
    if (!oidc) return;
    OidcConfig o;
    o.issuer = oidc["issuer"].as<std::string>();
    while (o.issuer.ends_with('/')) o.issuer.pop_back();
    o.client_id = oidc["client_id"].as<std::string>();
    o.redirect_uri = oidc["redirect_uri"].as<std::string>();
    o.roles_claim = get_or(oidc, "roles_claim", o.roles_claim);
    o.username_claim = get_or(oidc, "username_claim", o.username_claim);
    if (oidc["scopes"]) o.scopes = oidc["scopes"].as<std::vector<std::string>>();
    if (std::find(o.scopes.begin(), o.scopes.end(), "openid") == o.scopes.end())
        o.scopes.insert(o.scopes.begin(), "openid");
    if (oidc["ca_file"]) o.ca_file = resolve(oidc["ca_file"].as<std::string>(), base_dir);
    o.client_secret_post =
        get_or(oidc, "token_endpoint_auth_method", std::string("client_secret_basic")) == "client_secret_post";
    o.timeout_ms = get_or(oidc, "timeout_ms", o.timeout_ms);
    auto secret = read_secret_file(resolve(oidc["client_secret_file"].as<std::string>(), base_dir),
                                   "/console/oidc/client_secret_file");
    if (secret) {
        o.client_secret = std::move(secret).value();
    } else {
        problems.push_back(secret.problems()[0]);
    }
    // The back channel carries the client secret and the ID token: plain http only to loopback (tests).
    try {
        const Poco::URI issuer(o.issuer);
        if (issuer.getScheme() != "https" && !(issuer.getScheme() == "http" && loopback(issuer.getHost()))) {
            problems.push_back(
                {"/console/oidc/issuer", "must be an https URL (plain http only to loopback, for tests)"});
        }
    } catch (const Poco::Exception&) {
        problems.push_back({"/console/oidc/issuer", "is not a URL"});
    }
    c.oidc = std::move(o);
}

// One entry of sources: its secrets (never repeated in a problem), school and ZGW notifications.
SourceConfig parse_source(const YAML::Node& node, const std::string& pointer, const std::string& base_dir,
                          const Config& config, Problems& problems) {
    SourceConfig source;
    source.id = node["id"].as<std::string>();
    source.name = get_or(node, "name", source.id);
    for (const SourceConfig& seen : config.sources) {
        if (seen.id == source.id) problems.push_back({pointer + "/id", "repeats source id " + source.id});
    }
    const auto add_secret = [&](const std::string& text, const std::string& where) {
        auto secret = webhooks::parse_secret(text);
        if (secret) {
            source.secrets.push_back(std::move(secret).value());
        } else {
            // The secret itself is never repeated in the message.
            problems.push_back({where, secret.problems()[0].detail});
        }
    };
    const YAML::Node secrets = node["secrets"];
    for (std::size_t j = 0; secrets && j < secrets.size(); ++j) {
        add_secret(secrets[j].as<std::string>(), pointer + "/secrets/" + std::to_string(j));
    }
    if (node["secrets_file"]) {
        // One secret per line; empty lines and # comments skipped. Lines are named by number.
        const std::string where = pointer + "/secrets_file";
        auto text = read_secret_file(resolve(node["secrets_file"].as<std::string>(), base_dir), where);
        if (!text) problems.push_back(text.problems()[0]);
        std::istringstream lines(text ? text.value() : std::string());
        std::string line;
        std::size_t number = 0;
        std::size_t before = source.secrets.size();
        while (std::getline(lines, line)) {
            ++number;
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
            const auto first = line.find_first_not_of(" \t");
            if (first == std::string::npos || line[first] == '#') continue;
            add_secret(line.substr(first), where + " (line " + std::to_string(number) + ")");
        }
        if (text && source.secrets.size() == before) problems.push_back({where, "holds no secret"});
    }
    source.grant = parse_grant(node["allow"]);
    if (const YAML::Node cert = node["client_certificate"]) {
        ClientCertificateRule rule;
        if (cert["subject"]) rule.subject = cert["subject"].as<std::string>();
        if (cert["sha256"]) {
            std::string hex;
            for (const char c : cert["sha256"].as<std::string>()) {
                if (c != ':') hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            rule.sha256 = std::move(hex);
        }
        if (!config.listen.tls || !config.listen.tls->client_ca_file) {
            problems.push_back({pointer + "/client_certificate",
                                "needs listen.tls.client_ca_file: without it no client is asked for a certificate"});
        }
        source.client_certificate = std::move(rule);
    }
    source.rate_limit = parse_rate_limit(node["rate_limit"], config.ingest.rate_limit);
    if (const YAML::Node school = node["school"]) {
        source.school_brin = school["brin"].as<std::string>();
        source.school_gemeentecode = school["gemeentecode"].as<std::string>();
    }
    if (const YAML::Node m = node["municipality"]) source.municipality = m.as<std::string>();
    if (const YAML::Node n = node["notifications"]) {
        const std::string at = pointer + "/notifications";
        std::string authorization = at_least(inline_or_file(n, "authorization", at, base_dir, problems), 16,
                                             at + "/authorization_file", problems);
        std::string secret =
            at_least(inline_or_file(n, "secret", at, base_dir, problems), 16, at + "/secret_file", problems);
        NotificationsConfig notifications{std::move(authorization),
                                          n["zaken_api"].as<std::string>(),
                                          n["client_id"].as<std::string>(),
                                          std::move(secret),
                                          {}};
        for (const YAML::Node& z : n["zaaktypes"]) {
            notifications.zaaktypes[z["zaaktype"].as<std::string>()] = z["provider"].as<std::string>();
        }
        source.notifications = std::move(notifications);
    }
    return source;
}

void parse_sources(YAML::Node root, const std::string& base_dir, Config& config, Problems& problems) {
    const YAML::Node sources = root["sources"];
    for (std::size_t i = 0; i < sources.size(); ++i) {
        config.sources.push_back(parse_source(sources[i], "/sources/" + std::to_string(i), base_dir, config, problems));
    }
}

// The configuration, section by section, from a file the schema has accepted.
Result<Config> parse_valid_config(const std::string& yaml_text, const std::string& base_dir) {
    Result<YAML::Node> checked = load_checked_yaml(yaml_text, "config/eenplan.schema.json");
    if (!checked) return checked.problems();
    YAML::Node root = checked.value();
    Problems problems;

    Config config;
    parse_listen(root, base_dir, config, problems);
    parse_database(root, base_dir, config, problems);
    parse_keys(root, base_dir, config, problems);
    parse_linkage(root, config, problems);
    parse_files_and_limits(root, base_dir, config, problems);
    parse_sources(root, base_dir, config, problems);
    parse_delivery(root, base_dir, config, problems);
    parse_retention(root, base_dir, config, problems);
    parse_console(root, base_dir, config, problems);
    check_plain_http(config, get_or(root, "allow_plain_http", false), problems);

    if (!problems.empty()) return problems;
    return config;
}

}  // namespace

// A value the schema lets through but the typed struct cannot hold (a number too large for its
// field, say) is reported like any other configuration problem, never thrown past start-up.
Result<Config> parse_config(const std::string& yaml_text, const std::string& base_dir) {
    try {
        return parse_valid_config(yaml_text, base_dir);
    } catch (const YAML::Exception& error) {
        return Problem{"", std::string("a value cannot be read as its setting needs: ") + error.what()};
    }
}

Result<Config> load_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Problem{"", "cannot be read"};
    std::ostringstream text;
    text << in.rdbuf();
    const auto dir = std::filesystem::absolute(path).parent_path().string();
    return parse_config(text.str(), dir);
}

const SourceConfig* find_source(const Config& config, std::string_view id) {
    for (const SourceConfig& source : config.sources) {
        if (source.id == id) return &source;
    }
    return nullptr;
}

}  // namespace eenplan::service

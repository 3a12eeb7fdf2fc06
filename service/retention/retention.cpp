#include "retention/retention.hpp"

#include <algorithm>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "audit/audit_trail.hpp"
#include "common/ids.hpp"
#include "eenplan/core/encoding.hpp"
#include "eenplan/core/key_derivation.hpp"
#include "eenplan/core/signal.hpp"
#include "retention/audit_anchor.hpp"
#include "retention/family_scope.hpp"
#include "retention/payload_keys.hpp"
#include "store/database.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

constexpr std::int64_t day_us = 86'400LL * 1'000'000;

std::string sha256_hex(const std::string& text) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), out, &length, EVP_sha256(), nullptr);
    return hex_encode(std::span<const std::uint8_t>(out, length));
}

std::string hmac_hex(const VersionedKey& key, const std::string& text) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.secret().data(), static_cast<int>(key.secret().size()),
         reinterpret_cast<const unsigned char*>(text.data()), text.size(), out, &length);
    return "v" + std::to_string(key.version()) + ":" + hex_encode(std::span<const std::uint8_t>(out, length));
}

// The digest of what was removed: SHA-256 over the sorted "kind:id" lines.
std::string ids_digest(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    std::string text;
    for (const std::string& line : lines) text.append(line).append("\n");
    return sha256_hex(text);
}

std::string counts_json(const std::map<std::string, long long>& counts) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : counts) o.set(k, static_cast<Poco::Int64>(v));
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

std::map<std::string, long long> parse_counts(const std::string& text) {
    std::map<std::string, long long> out;
    Poco::JSON::Parser parser;
    const auto o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [k, v] : *o) out[k] = v.convert<Poco::Int64>();
    return out;
}

std::vector<std::string> column(soci::session& sql, const std::string& query) {
    std::vector<std::string> out;
    soci::rowset<std::string> rows = (sql.prepare << query);
    for (const std::string& id : rows) out.push_back(id);
    return out;
}

// Merges and family changes wait while records are removed (PostgreSQL advisory locks; SQLite's
// write lock serialises everything already).
void lock_records(soci::session& sql, Backend backend) {
    lock_for_transaction(sql, backend, merge_lock_key);
    lock_for_transaction(sql, backend, family_lock_key);
}

RetentionRun run_of(const soci::row& row) {
    RetentionRun run;
    run.run_id = row.get<std::string>(0);
    run.started_at_us = row.get<long long>(1);
    run.dry_run = row.get<int>(2) != 0;
    run.requested_by = row.get<std::string>(3);
    run.counts = parse_counts(row.get<std::string>(4));
    run.terms = row.get<std::string>(5);
    run.ids_digest = row.get<std::string>(6);
    run.audit_sequence = row.get<long long>(7);
    run.audit_hash = row.get<std::string>(8);
    run.proof = row.get<std::string>(9);
    return run;
}

}  // namespace

Retention::Retention(Database& database, const RetentionConfig& config, const PayloadKeys& keys,
                     const KeyRing& data_keys, AuditTrail* audit, AuditAnchor* anchor)
    : database_(database),
      config_(config),
      keys_(keys),
      proof_key_(derive_key(data_keys.current(), "retention-proof")),
      audit_(audit),
      anchor_(anchor) {}

std::string Retention::terms_json() const {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Object::Ptr signals = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const SignalType type : all_signal_types()) {
        const std::string name(to_string(type));
        const auto found = config_.signal_types.find(name);
        const RetentionTerm& t = found == config_.signal_types.end() ? config_.signal_default : found->second;
        Poco::JSON::Object::Ptr term = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        term->set("active_days", t.active_days);
        term->set("archive_days", t.archive_days);
        signals->set(name, term);
    }
    o.set("signals", signals);
    o.set("families_days", config_.family_days);
    o.set("deliveries_days", config_.delivery_days);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

RetentionRun Retention::purge(std::int64_t now_us, bool dry_run, const std::string& requested_by, bool by_request) {
    RetentionRun run;
    run.run_id = new_uuid();
    run.started_at_us = now_us;
    run.dry_run = dry_run;
    run.requested_by = requested_by;
    run.terms = terms_json();
    if (anchor_ && !dry_run) anchor_->write(now_us);

    database_.with_session([&](soci::session& sql) {
        return in_write_transaction(sql, database_.backend(), [&] {
            lock_records(sql, database_.backend());
            std::map<std::string, long long> counts{{"families", 0},     {"pupils", 0},          {"signals", 0},
                                                    {"plans", 0},        {"tasks", 0},           {"deliveries", 0},
                                                    {"payload_keys", 0}, {"archived_signals", 0}};
            std::vector<std::string> lines;
            std::set<std::string> removed_signals, removed_deliveries;

            // 1. Whole families, and pupils in no family, untouched past their term.
            const std::int64_t family_cutoff = now_us - config_.family_days * day_us;
            std::vector<FamilyScope> expired;
            for (const std::string& f : column(sql,
                                               "SELECT family_id FROM families WHERE merged_into IS NULL "
                                               "ORDER BY family_id")) {
                FamilyScope scope = family_scope(sql, f);
                if (scope.last_activity_us < family_cutoff) expired.push_back(std::move(scope));
            }
            for (const std::string& p : column(sql,
                                               "SELECT pupil_id FROM pupils WHERE merged_into IS NULL AND "
                                               "family_id IS NULL ORDER BY pupil_id")) {
                FamilyScope scope = lone_pupil_scope(sql, p);
                if (scope.last_activity_us < family_cutoff) expired.push_back(std::move(scope));
            }
            for (const FamilyScope& scope : expired) {
                scope.add_counts(counts);
                scope.add_ids(lines);
                removed_signals.insert(scope.signals.begin(), scope.signals.end());
                removed_deliveries.insert(scope.deliveries.begin(), scope.deliveries.end());
                const auto owners = scope.key_owners();
                if (dry_run) {
                    counts["payload_keys"] += keys_.count(sql, owners);
                } else {
                    // Keys first: once they are gone, nothing of the family opens, whatever
                    // happens to the rest of this transaction.
                    counts["payload_keys"] += keys_.destroy(sql, owners);
                    remove_scope(sql, scope);
                }
            }

            // 2. Single signals past their type's term; those past their active term are archived.
            for (const SignalType type : all_signal_types()) {
                const std::string name(to_string(type));
                const auto found = config_.signal_types.find(name);
                const RetentionTerm& t = found == config_.signal_types.end() ? config_.signal_default : found->second;
                const long long active_cutoff = now_us - t.active_days * day_us;
                const long long end_cutoff = now_us - (t.active_days + t.archive_days) * day_us;
                std::vector<std::string> past;
                {
                    soci::rowset<std::string> rows =
                        (sql.prepare << "SELECT signal_id FROM signals WHERE type = :t AND received_at_us < :c "
                                        "ORDER BY signal_id",
                         soci::use(name), soci::use(end_cutoff));
                    for (const std::string& id : rows)
                        if (!removed_signals.count(id)) past.push_back(id);
                }
                long long archived = 0;
                sql << "SELECT COUNT(*) FROM signals WHERE type = :t AND received_at_us < :a AND received_at_us >= :c",
                    soci::use(name), soci::use(active_cutoff), soci::use(end_cutoff), soci::into(archived);
                counts["archived_signals"] += archived;
                for (const std::string& id : past) {
                    ++counts["signals"];
                    lines.push_back("signal:" + id);
                    if (dry_run) {
                        counts["payload_keys"] += keys_.count(sql, {signal_owner(id)});
                    } else {
                        counts["payload_keys"] += keys_.destroy(sql, {signal_owner(id)});
                        remove_signal(sql, id);
                    }
                }
            }

            // 3. Finished deliveries (and their attempts) past their term; a task goes with its
            //    last delivery.
            const long long delivery_cutoff = now_us - config_.delivery_days * day_us;
            std::vector<std::string> deliveries;
            {
                soci::rowset<std::string> rows =
                    (sql.prepare << "SELECT delivery_id FROM deliveries WHERE state <> 'pending' AND "
                                    "created_at_us < :c ORDER BY delivery_id",
                     soci::use(delivery_cutoff));
                for (const std::string& id : rows)
                    if (!removed_deliveries.count(id)) deliveries.push_back(id);
            }
            std::set<std::string> tasks;
            for (const std::string& d : deliveries) {
                ++counts["deliveries"];
                lines.push_back("delivery:" + d);
                std::string task;
                sql << "SELECT task_id FROM deliveries WHERE delivery_id = :d", soci::use(d), soci::into(task);
                tasks.insert(task);
            }
            for (const std::string& t : tasks) {
                long long left = 0;
                sql << "SELECT COUNT(*) FROM deliveries WHERE task_id = :t", soci::use(t), soci::into(left);
                long long going = 0;
                for (const std::string& d : deliveries) {
                    std::string task;
                    sql << "SELECT task_id FROM deliveries WHERE delivery_id = :d", soci::use(d), soci::into(task);
                    if (task == t) ++going;
                }
                if (left == going) {
                    ++counts["tasks"];
                    lines.push_back("task:" + t);
                }
            }
            if (!dry_run) {
                for (const std::string& d : deliveries) {
                    sql << "DELETE FROM delivery_attempts WHERE delivery_id = :d", soci::use(d);
                    sql << "DELETE FROM deliveries WHERE delivery_id = :d", soci::use(d);
                }
                for (const std::string& t : tasks) {
                    long long left = 0;
                    sql << "SELECT COUNT(*) FROM deliveries WHERE task_id = :t", soci::use(t), soci::into(left);
                    if (left == 0) sql << "DELETE FROM tasks WHERE task_id = :t", soci::use(t);
                }
            }

            run.counts = counts;
            run.ids_digest = ids_digest(lines);
            long long head_sequence = 0;
            sql << "SELECT sequence, hash FROM audit_head WHERE id = 1", soci::into(head_sequence),
                soci::into(run.audit_hash);
            run.audit_sequence = head_sequence;
            const std::string counts_text = counts_json(run.counts);
            run.proof = hmac_hex(proof_key_, "eenplan/v1|retention-run|" + run.run_id + "|" +
                                                 std::to_string(run.started_at_us) + "|" + (dry_run ? "dry" : "run") +
                                                 "|" + counts_text + "|" + run.terms + "|" + run.ids_digest + "|" +
                                                 std::to_string(run.audit_sequence) + "|" + run.audit_hash);
            const int dry = dry_run ? 1 : 0;
            const long long started = run.started_at_us;
            sql << "INSERT INTO retention_runs (run_id, started_at_us, dry_run, requested_by, counts, terms, "
                   "ids_digest, audit_sequence, audit_hash, proof) VALUES (:i, :s, :d, :b, :c, :t, :g, :q, :h, :p)",
                soci::use(run.run_id), soci::use(started), soci::use(dry), soci::use(run.requested_by),
                soci::use(counts_text), soci::use(run.terms), soci::use(run.ids_digest), soci::use(head_sequence),
                soci::use(run.audit_hash), soci::use(run.proof);
        });
    });
    if (audit_ != nullptr && !by_request) {
        audit::AuditEntry entry;
        entry.at_us = now_us;
        entry.actor = requested_by;
        entry.role = "system";
        entry.method = dry_run ? "DRY-RUN" : "PURGE";
        entry.route = "retention-run";
        entry.object_ids = {run.run_id};
        entry.outcome = 201;
        audit_->append(std::move(entry));
    }
    return run;
}

std::vector<RetentionRun> Retention::runs(int limit) {
    return database_.with_session([&](soci::session& sql) {
        std::vector<RetentionRun> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT run_id, started_at_us, dry_run, requested_by, counts, terms, ids_digest, "
                            "audit_sequence, audit_hash, proof FROM retention_runs ORDER BY started_at_us DESC, run_id "
                            "LIMIT :n",
             soci::use(limit));
        for (const soci::row& row : rows) out.push_back(run_of(row));
        return out;
    });
}

const std::vector<std::string>& Retention::reason_codes() {
    // AVG art. 17(1): (a) no longer necessary, (b) consent withdrawn, (c) objection upheld,
    // (d) unlawfully processed, (e) a legal obligation to erase (e.g. a court order).
    static const std::vector<std::string> codes{"no_longer_necessary", "consent_withdrawn", "objection_upheld",
                                                "unlawful_processing", "legal_obligation"};
    return codes;
}

std::pair<ErasureOutcome, std::optional<Erasure>> Retention::erase_family(const std::string& family_id,
                                                                          const std::string& reason_code,
                                                                          const std::string& requested_by,
                                                                          std::int64_t now_us) {
    return database_.with_session([&](soci::session& sql) -> std::pair<ErasureOutcome, std::optional<Erasure>> {
        return in_write_transaction(
            sql, database_.backend(), [&]() -> std::pair<ErasureOutcome, std::optional<Erasure>> {
                lock_records(sql, database_.backend());
                long long known = 0;
                sql << "SELECT COUNT(*) FROM families WHERE family_id = :f", soci::use(family_id), soci::into(known);
                if (known == 0) {
                    long long tombstones = 0;
                    sql << "SELECT COUNT(*) FROM erasures WHERE family_id = :f", soci::use(family_id),
                        soci::into(tombstones);
                    return {tombstones > 0 ? ErasureOutcome::already_erased : ErasureOutcome::unknown_family,
                            std::nullopt};
                }
                const FamilyScope scope = family_scope(sql, family_id);
                Erasure erasure;
                erasure.erasure_id = new_uuid();
                erasure.family_id = family_id;
                erasure.reason_code = reason_code;
                erasure.requested_by = requested_by;
                erasure.erased_at_us = now_us;
                scope.add_counts(erasure.counts);
                std::vector<std::string> lines;
                scope.add_ids(lines);
                erasure.ids_digest = ids_digest(lines);
                // Keys first (see purge), then the rows; the tombstone keeps only counts and proof.
                erasure.counts["payload_keys"] = keys_.destroy(sql, scope.key_owners());
                remove_scope(sql, scope);
                const std::string counts_text = counts_json(erasure.counts);
                erasure.proof = hmac_hex(proof_key_, "eenplan/v1|erasure|" + erasure.erasure_id + "|" + family_id +
                                                         "|" + reason_code + "|" + std::to_string(now_us) + "|" +
                                                         counts_text + "|" + erasure.ids_digest);
                const long long at = now_us;
                sql << "INSERT INTO erasures (erasure_id, family_id, reason_code, requested_by, erased_at_us, counts, "
                       "ids_digest, proof) VALUES (:i, :f, :r, :b, :t, :c, :g, :p)",
                    soci::use(erasure.erasure_id), soci::use(family_id), soci::use(reason_code),
                    soci::use(requested_by), soci::use(at), soci::use(counts_text), soci::use(erasure.ids_digest),
                    soci::use(erasure.proof);
                return {ErasureOutcome::erased, erasure};
            });
    });
}

std::vector<Erasure> Retention::erasures(int limit) {
    return database_.with_session([&](soci::session& sql) {
        std::vector<Erasure> out;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT erasure_id, family_id, reason_code, requested_by, erased_at_us, counts, "
                            "ids_digest, proof FROM erasures ORDER BY erased_at_us DESC, erasure_id LIMIT :n",
             soci::use(limit));
        for (const soci::row& row : rows) {
            Erasure e;
            e.erasure_id = row.get<std::string>(0);
            e.family_id = row.get<std::string>(1);
            e.reason_code = row.get<std::string>(2);
            e.requested_by = row.get<std::string>(3);
            e.erased_at_us = row.get<long long>(4);
            e.counts = parse_counts(row.get<std::string>(5));
            e.ids_digest = row.get<std::string>(6);
            e.proof = row.get<std::string>(7);
            out.push_back(std::move(e));
        }
        return out;
    });
}

}  // namespace eenplan::service

// Reconciliation runs (common/reconciliation.hpp): a municipality's list in parts, kept only while
// the run is open. Finishing reconciles the whole list at once and, in the same transaction,
// writes the counts and proof and deletes the parts; an expired run's parts are deleted too.
#include <algorithm>

#include <Poco/UUIDGenerator.h>

#include "plan/reconciler.hpp"
#include "store/database.hpp"
#include "store/write_transaction.hpp"

namespace eenplan::service {
namespace {

using registration::ReconciliationCounts;

// Entries are stored one per line (the part schema allows no whitespace in an entry).
std::string join_entries(const std::vector<std::string>& children) {
    std::string out;
    for (const std::string& c : children) {
        if (!out.empty()) out += '\n';
        out += c;
    }
    return out;
}

void split_entries(const std::string& text, std::vector<std::string>& out) {
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        out.emplace_back(text, at, end - at);
        at = end + 1;
    }
}

std::optional<ReconciliationRun> load_run(soci::session& sql, const std::string& source_id, const std::string& run_id) {
    ReconciliationRun run;
    long long created = 0, expires = 0, ended = 0, listed = 0, duplicates = 0, unreadable = 0, enrolled = 0,
              known_not = 0, unknown = 0;
    soci::indicator ended_ind = soci::i_null, digest_ind = soci::i_null, proof_ind = soci::i_null;
    sql << "SELECT run_id, source_id, gemeentecode, parts, status, created_at_us, expires_at_us, ended_at_us, "
           "listed, duplicates, unreadable, enrolled, known_not_enrolled, unknown, list_digest, proof "
           "FROM reconciliation_runs WHERE run_id = :r AND source_id = :s",
        soci::use(run_id), soci::use(source_id), soci::into(run.run_id), soci::into(run.source_id),
        soci::into(run.gemeentecode), soci::into(run.parts), soci::into(run.status), soci::into(created),
        soci::into(expires), soci::into(ended, ended_ind), soci::into(listed), soci::into(duplicates),
        soci::into(unreadable), soci::into(enrolled), soci::into(known_not), soci::into(unknown),
        soci::into(run.list_digest, digest_ind), soci::into(run.proof, proof_ind);
    if (!sql.got_data()) return std::nullopt;
    run.created_at_us = created;
    run.expires_at_us = expires;
    if (ended_ind == soci::i_ok) run.ended_at_us = ended;
    if (digest_ind != soci::i_ok) run.list_digest.clear();
    if (proof_ind != soci::i_ok) run.proof.clear();
    run.counts.listed = static_cast<std::size_t>(listed);
    run.counts.duplicates = static_cast<std::size_t>(duplicates);
    run.counts.unreadable = static_cast<std::size_t>(unreadable);
    run.counts.enrolled = static_cast<std::size_t>(enrolled);
    run.counts.known_not_enrolled = static_cast<std::size_t>(known_not);
    run.counts.unknown = static_cast<std::size_t>(unknown);
    if (run.status == "open") {
        long long received = 0, children = 0;
        soci::indicator children_ind = soci::i_null;
        sql << "SELECT COUNT(*), SUM(children) FROM reconciliation_parts WHERE run_id = :r", soci::use(run_id),
            soci::into(received), soci::into(children, children_ind);
        run.received_parts = static_cast<int>(received);
        run.received_children = children_ind == soci::i_ok ? static_cast<std::size_t>(children) : 0;
    }
    return run;
}

// Ends every open run past its expiry (or only `run_id`'s, when given): parts deleted, status
// expired. Runs inside the caller's transaction.
int expire(soci::session& sql, std::int64_t now_us) {
    std::vector<std::string> ids(1000);
    const long long now = now_us;
    sql << "SELECT run_id FROM reconciliation_runs WHERE status = 'open' AND expires_at_us <= :n", soci::use(now),
        soci::into(ids);
    for (const std::string& id : ids) {
        sql << "DELETE FROM reconciliation_parts WHERE run_id = :r", soci::use(id);
        sql << "UPDATE reconciliation_runs SET status = 'expired', ended_at_us = :n WHERE run_id = :r", soci::use(now),
            soci::use(id);
    }
    return static_cast<int>(ids.size());
}

// SQLite keeps deleted rows in free pages and old page images in the write-ahead log until they
// are overwritten: with secure_delete the deleted parts are zeroed, and a truncating checkpoint
// empties the log, so the list is not in the files afterwards either. (PostgreSQL's dead tuples
// are not readable through SQL and go with (auto)vacuum.)
void zero_deleted_rows(soci::session& sql, Backend backend) {
    if (backend != Backend::sqlite) return;
    int on = 0;
    sql << "PRAGMA secure_delete = ON", soci::into(on);
}

void truncate_log(soci::session& sql, Backend backend) {
    if (backend != Backend::sqlite) return;
    int busy = 0, frames = 0, done = 0;
    sql << "PRAGMA wal_checkpoint(TRUNCATE)", soci::into(busy), soci::into(frames), soci::into(done);
}

RunOutcome refused(RunRefusal refusal, std::string detail, std::optional<ReconciliationRun> run = std::nullopt) {
    RunOutcome out;
    out.refusal = refusal;
    out.detail = std::move(detail);
    if (run) out.run = std::move(*run);
    return out;
}

RunOutcome answered(ReconciliationRun run) {
    RunOutcome out;
    out.run = std::move(run);
    return out;
}

}  // namespace

RunOutcome Reconciler::create_run(const std::string& source_id, const std::string& gemeentecode, int parts,
                                  std::int64_t now_us, std::int64_t expires_at_us) {
    const routeboek::Municipality* municipality = routeboek_.municipality(gemeentecode);
    if (municipality == nullptr || municipality->leerplicht.empty()) {
        return refused(RunRefusal::not_allowed, "the routeboek has no leerplicht office for " + gemeentecode);
    }
    const std::string run_id = "run-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    return database_.with_session([&](soci::session& sql) {
        zero_deleted_rows(sql, database_.backend());
        auto out = in_write_transaction(sql, database_.backend(), [&]() -> RunOutcome {
            expire(sql, now_us);
            int open = 0;
            sql << "SELECT COUNT(*) FROM reconciliation_runs WHERE source_id = :s AND status = 'open'",
                soci::use(source_id), soci::into(open);
            if (open >= max_open_runs) {
                return refused(RunRefusal::too_many, "this source has " + std::to_string(open) +
                                                         " open runs; finish one or let it expire first");
            }
            const long long created = now_us, expires = expires_at_us;
            sql << "INSERT INTO reconciliation_runs (run_id, source_id, gemeentecode, parts, status, created_at_us, "
                   "expires_at_us) VALUES (:r, :s, :g, :p, 'open', :c, :e)",
                soci::use(run_id), soci::use(source_id), soci::use(gemeentecode), soci::use(parts), soci::use(created),
                soci::use(expires);
            return answered(*load_run(sql, source_id, run_id));
        });
        truncate_log(sql, database_.backend());
        return out;
    });
}

RunOutcome Reconciler::add_part(const std::string& source_id, const std::string& run_id, int part,
                                const std::vector<std::string>& children, std::int64_t now_us) {
    const std::string entries = join_entries(children);
    const std::string digest = registration::list_digest(children);
    return database_.with_session([&](soci::session& sql) {
        zero_deleted_rows(sql, database_.backend());
        auto out = in_write_transaction(sql, database_.backend(), [&]() -> RunOutcome {
            expire(sql, now_us);
            auto run = load_run(sql, source_id, run_id);
            if (!run) return refused(RunRefusal::unknown_run, "no run with this id for this source");
            if (run->status != "open") return refused(RunRefusal::ended, "the run has " + run->status, run);
            if (part > run->parts) {
                return refused(RunRefusal::beyond, "the run has " + std::to_string(run->parts) + " parts", run);
            }
            std::string stored;
            sql << "SELECT digest FROM reconciliation_parts WHERE run_id = :r AND part = :p", soci::use(run_id),
                soci::use(part), soci::into(stored);
            if (sql.got_data()) {
                // Sent again (a lost answer): the same entries are accepted as they were.
                if (stored != digest) {
                    return refused(RunRefusal::conflict, "this part was received before with other entries", run);
                }
                return answered(std::move(*run));
            }
            const long long count = static_cast<long long>(children.size());
            sql << "INSERT INTO reconciliation_parts (run_id, part, children, digest, entries) "
                   "VALUES (:r, :p, :c, :d, :e)",
                soci::use(run_id), soci::use(part), soci::use(count), soci::use(digest), soci::use(entries);
            return answered(*load_run(sql, source_id, run_id));
        });
        truncate_log(sql, database_.backend());
        return out;
    });
}

RunOutcome Reconciler::progress(const std::string& source_id, const std::string& run_id, std::int64_t now_us) {
    return database_.with_session([&](soci::session& sql) {
        zero_deleted_rows(sql, database_.backend());
        auto out = in_write_transaction(sql, database_.backend(), [&]() -> RunOutcome {
            expire(sql, now_us);
            auto run = load_run(sql, source_id, run_id);
            if (!run) return refused(RunRefusal::unknown_run, "no run with this id for this source");
            return answered(std::move(*run));
        });
        truncate_log(sql, database_.backend());
        return out;
    });
}

RunOutcome Reconciler::finish(const std::string& source_id, const std::string& run_id, routeboek::Day today,
                              std::int64_t now_us) {
    // The list, read while the run is open; reconciled outside the write transaction (it only reads).
    ReconciliationRequest request;
    request.today = today;
    std::optional<ReconciliationRun> run = database_.with_session([&](soci::session& sql) {
        zero_deleted_rows(sql, database_.backend());
        return in_write_transaction(sql, database_.backend(), [&] {
            expire(sql, now_us);
            auto loaded = load_run(sql, source_id, run_id);
            if (loaded && loaded->status == "open" && loaded->received_parts == loaded->parts) {
                request.children.reserve(loaded->received_children);
                soci::rowset<std::string> rows =
                    (sql.prepare << "SELECT entries FROM reconciliation_parts WHERE run_id = :r ORDER BY part",
                     soci::use(run_id));
                for (const std::string& text : rows) split_entries(text, request.children);
            }
            return loaded;
        });
    });
    if (!run) return refused(RunRefusal::unknown_run, "no run with this id for this source");
    if (run->status != "open") return refused(RunRefusal::ended, "the run has " + run->status, run);
    if (run->received_parts != run->parts) {
        return refused(RunRefusal::incomplete,
                       std::to_string(run->received_parts) + " of " + std::to_string(run->parts) + " parts received",
                       run);
    }
    request.gemeentecode = run->gemeentecode;
    auto answer = reconcile(request);
    std::fill(request.children.begin(), request.children.end(), std::string());
    if (!answer) return refused(RunRefusal::not_allowed, answer.problems().front().detail, run);

    const std::int64_t ended_s = now_us / 1000000;
    const std::string proof = registration::run_proof(answer->digest, answer->counts, ended_s);
    const bool ended = database_.with_session([&](soci::session& sql) {
        zero_deleted_rows(sql, database_.backend());
        const bool moved = in_write_transaction(sql, database_.backend(), [&] {
            // Only the request that moves the run from open to finished answers it.
            const long long ended_us = now_us;
            const auto& c = answer->counts;
            const long long listed = static_cast<long long>(c.listed),
                            duplicates = static_cast<long long>(c.duplicates),
                            unreadable = static_cast<long long>(c.unreadable),
                            enrolled = static_cast<long long>(c.enrolled),
                            known_not = static_cast<long long>(c.known_not_enrolled),
                            unknown = static_cast<long long>(c.unknown);
            soci::statement update =
                (sql.prepare << "UPDATE reconciliation_runs SET status = 'finished', ended_at_us = :t, listed = :l, "
                                "duplicates = :d, unreadable = :u, enrolled = :e, known_not_enrolled = :k, "
                                "unknown = :n, list_digest = :g, proof = :p WHERE run_id = :r AND status = 'open'",
                 soci::use(ended_us), soci::use(listed), soci::use(duplicates), soci::use(unreadable),
                 soci::use(enrolled), soci::use(known_not), soci::use(unknown), soci::use(answer->digest),
                 soci::use(proof), soci::use(run_id));
            update.execute(true);
            if (update.get_affected_rows() != 1) return false;
            sql << "DELETE FROM reconciliation_parts WHERE run_id = :r", soci::use(run_id);
            return true;
        });
        truncate_log(sql, database_.backend());
        return moved;
    });
    if (!ended) return refused(RunRefusal::ended, "the run was finished by another request", run);
    RunOutcome out;
    out.run = *run;
    out.run.status = "finished";
    out.run.ended_at_us = now_us;
    out.run.received_parts = 0;
    out.run.received_children = 0;
    out.run.counts = answer->counts;
    out.run.list_digest = answer->digest;
    out.run.proof = proof;
    out.answer = std::move(answer).value();
    return out;
}

int Reconciler::expire_runs(std::int64_t now_us) {
    return database_.with_session([&](soci::session& sql) {
        zero_deleted_rows(sql, database_.backend());
        const int expired = in_write_transaction(sql, database_.backend(), [&] { return expire(sql, now_us); });
        truncate_log(sql, database_.backend());
        return expired;
    });
}

}  // namespace eenplan::service

#include "audit/audit_trail.hpp"

#include "eenplan/core/key_derivation.hpp"
#include "store/database.hpp"

namespace eenplan::service {
namespace {

std::string join_ids(const std::vector<std::string>& ids) {
    std::string out;
    for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
    return out;
}

std::vector<std::string> split_ids(const std::string& text) {
    std::vector<std::string> ids;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        ids.push_back(text.substr(at, comma - at));
        at = comma + 1;
    }
    return ids;
}

constexpr const char* columns =
    "SELECT sequence, at_us, actor, on_behalf_of, role, method, route, object_ids, outcome, key_version, "
    "previous_hash, hash FROM audit_log ";

audit::ChainedEntry entry_of(const soci::row& row) {
    audit::ChainedEntry out;
    out.entry.sequence = row.get<long long>(0);
    out.entry.at_us = row.get<long long>(1);
    out.entry.actor = row.get<std::string>(2);
    out.entry.on_behalf_of = row.get<std::string>(3);
    out.entry.role = row.get<std::string>(4);
    out.entry.method = row.get<std::string>(5);
    out.entry.route = row.get<std::string>(6);
    out.entry.object_ids = split_ids(row.get<std::string>(7));
    out.entry.outcome = row.get<int>(8);
    out.key_version = static_cast<std::uint32_t>(row.get<int>(9));
    out.previous_hash = row.get<std::string>(10);
    out.hash = row.get<std::string>(11);
    return out;
}

}  // namespace

AuditTrail::AuditTrail(Database& database, const KeyRing& data_keys)
    : database_(database), chain_keys_(derive_ring(data_keys, "audit-chain")) {}

std::int64_t AuditTrail::append(audit::AuditEntry entry) {
    return database_.with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        // Writing the head first takes the write lock (SQLite) or the row lock (PostgreSQL) before
        // anything is read, so two appenders cannot chain onto the same entry.
        sql << "UPDATE audit_head SET sequence = sequence + 1 WHERE id = 1";
        long long sequence = 0;
        std::string previous;
        sql << "SELECT sequence, hash FROM audit_head WHERE id = 1", soci::into(sequence), soci::into(previous);
        entry.sequence = sequence;
        const audit::ChainedEntry chained = audit::chain(chain_keys_, previous, std::move(entry));
        const audit::AuditEntry& e = chained.entry;
        const std::string ids = join_ids(e.object_ids);
        const int version = static_cast<int>(chained.key_version);
        const long long at = e.at_us;
        sql << "INSERT INTO audit_log (sequence, at_us, actor, on_behalf_of, role, method, route, object_ids, outcome, "
               "key_version, previous_hash, hash) VALUES (:s, :t, :a, :b, :r, :m, :p, :o, :c, :v, :h0, :h)",
            soci::use(sequence), soci::use(at), soci::use(e.actor), soci::use(e.on_behalf_of), soci::use(e.role),
            soci::use(e.method), soci::use(e.route), soci::use(ids), soci::use(e.outcome), soci::use(version),
            soci::use(chained.previous_hash), soci::use(chained.hash);
        sql << "UPDATE audit_head SET hash = :h WHERE id = 1", soci::use(chained.hash);
        tx.commit();
        return static_cast<std::int64_t>(sequence);
    });
}

std::vector<audit::ChainedEntry> AuditTrail::list(std::int64_t after_sequence, int limit, const std::string& actor,
                                                  const std::string& object_id) {
    return database_.with_session([&](soci::session& sql) {
        std::vector<audit::ChainedEntry> out;
        const long long after = after_sequence;
        // object ids are hub-made UUIDs (checked by the caller), so a LIKE on them matches exactly.
        const std::string pattern = "%" + object_id + "%";
        std::string query = std::string(columns) + "WHERE sequence > :after ";
        if (!actor.empty()) query += "AND actor = :actor ";
        if (!object_id.empty()) query += "AND object_ids LIKE :pattern ";
        query += "ORDER BY sequence LIMIT :n";
        soci::statement statement = (sql.prepare << query);
        soci::row row;
        statement.exchange(soci::into(row));
        statement.exchange(soci::use(after));
        if (!actor.empty()) statement.exchange(soci::use(actor));
        if (!object_id.empty()) statement.exchange(soci::use(pattern));
        statement.exchange(soci::use(limit));
        statement.define_and_bind();
        statement.execute();
        while (statement.fetch()) out.push_back(entry_of(row));
        return out;
    });
}

AuditTrail::Verification AuditTrail::verify() {
    return database_.with_session([&](soci::session& sql) {
        Verification out;
        audit::ChainVerifier verifier(chain_keys_);
        // The head first: entries appended while the trail is read lie beyond it and are not checked.
        long long head_sequence = 0;
        std::string head_hash;
        sql << "SELECT sequence, hash FROM audit_head WHERE id = 1", soci::into(head_sequence), soci::into(head_hash);
        out.written = head_sequence;
        long long after = 0;
        constexpr int batch = 1000;
        for (;;) {
            int seen = 0;
            soci::rowset<soci::row> rows =
                (sql.prepare << std::string(columns) +
                                    "WHERE sequence > :after AND sequence <= :head ORDER BY sequence LIMIT :n",
                 soci::use(after), soci::use(head_sequence), soci::use(batch));
            for (const soci::row& row : rows) {
                const audit::ChainedEntry stored = entry_of(row);
                ++seen;
                after = stored.entry.sequence;
                if (auto broken = verifier.next(stored)) {
                    out.broken = broken;
                    out.checked = verifier.checked();
                    return out;
                }
            }
            if (seen < batch) break;
        }
        out.broken = verifier.finish(head_sequence, head_hash);
        out.checked = verifier.checked();
        return out;
    });
}

}  // namespace eenplan::service

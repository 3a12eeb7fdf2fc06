#include "store/signal_store.hpp"

namespace eenplan::service {
namespace {

std::optional<SignalIds> select_ids(soci::session& sql, const std::string& source_id, const std::string& webhook_id) {
    SignalIds ids;
    sql << "SELECT signal_id, correlation_id FROM signals WHERE source_id = :s AND webhook_id = :w",
        soci::use(source_id), soci::use(webhook_id), soci::into(ids.signal_id), soci::into(ids.correlation_id);
    if (!sql.got_data()) return std::nullopt;
    return ids;
}

}  // namespace

std::optional<SignalIds> SignalStore::find(const std::string& source_id, const std::string& webhook_id) {
    return database_.with_session([&](soci::session& sql) { return select_ids(sql, source_id, webhook_id); });
}

InsertOutcome insert_signal(soci::session& sql, const NewSignal& s) {
    soci::indicator brin_ind = s.school_brin ? soci::i_ok : soci::i_null;
    soci::indicator gemeente_ind = s.school_gemeentecode ? soci::i_ok : soci::i_null;
    const std::string brin = s.school_brin.value_or("");
    const std::string gemeente = s.school_gemeentecode.value_or("");
    const long long received = s.received_at_us;
    // ON CONFLICT makes a concurrent duplicate wait for the first insert and then insert nothing
    // (PostgreSQL 9.5+, SQLite 3.24+).
    soci::statement st =
        (sql.prepare << "INSERT INTO signals (signal_id, source_id, webhook_id, correlation_id, type, "
                        "occurred_at, received_at_us, subject_kind, subject_pseudonym, school_brin, "
                        "school_gemeentecode, envelope) VALUES (:id, :src, :wh, :corr, :type, :occ, :recv, "
                        ":kind, :pseud, :brin, :gem, :env) ON CONFLICT (source_id, webhook_id) DO NOTHING",
         soci::use(s.ids.signal_id), soci::use(s.source_id), soci::use(s.webhook_id), soci::use(s.ids.correlation_id),
         soci::use(s.type), soci::use(s.occurred_at), soci::use(received), soci::use(s.subject_kind),
         soci::use(s.subject_pseudonym), soci::use(brin, brin_ind), soci::use(gemeente, gemeente_ind),
         soci::use(s.envelope));
    st.execute(true);
    if (st.get_affected_rows() == 1) return InsertOutcome{true, s.ids};
    auto existing = select_ids(sql, s.source_id, s.webhook_id);
    if (!existing) throw soci::soci_error("signal neither inserted nor found");
    return InsertOutcome{false, std::move(*existing)};
}

InsertOutcome SignalStore::insert(const NewSignal& s) {
    // Autocommit: the row is durable when execute() returns.
    return database_.with_session([&](soci::session& sql) { return insert_signal(sql, s); });
}

}  // namespace eenplan::service

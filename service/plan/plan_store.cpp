#include "plan/plan_store.hpp"

#include "eenplan/core/record/residence.hpp"
#include "eenplan/core/field_encryption.hpp"
#include "plan/plan_codec.hpp"
#include "store/database.hpp"
#include "store/row_values.hpp"
#include "store/write_transaction.hpp"
#include "record/family_store.hpp"
#include "record/pupil_store.hpp"
#include "retention/payload_keys.hpp"

namespace eenplan::service {
namespace {

using namespace eenplan::routeboek;

std::string first_pseudonym(soci::session& sql, const std::vector<std::string>& nodes) {
    for (const std::string& node : nodes) {
        std::string pseudonym;
        soci::indicator ind = soci::i_null;
        sql << "SELECT pseudonym FROM pupil_identifiers WHERE pupil_id = :p ORDER BY added_at_us, pseudonym LIMIT 1",
            soci::use(node), soci::into(pseudonym, ind);
        if (sql.got_data() && ind == soci::i_ok) return pseudonym;
    }
    return {};
}

void residence_of(soci::session& sql, const std::string& family_root, Day today, PlanContext& context,
                  ResidenceCache* cache) {
    if (cache) {
        if (const ResidenceCache::Entry* hit = cache->find(family_root, today)) {
            ++cache->hits;
            context.children = hit->children;
            context.woongemeente = hit->woongemeente;
            context.residences = hit->residences;
            context.from_cache = true;
            return;
        }
        ++cache->misses;
    }
    auto children = records::family_children(sql, family_root);
    const auto history = record::residence_history(records::residence_events(sql, family_root, children.pseudonyms));
    context.woongemeente = record::responsible_municipality(history, format_day(today));
    for (const record::ResidencePeriod& period : history) {
        if (const auto from = parse_day(period.from_date)) context.residences.push_back({*from, period.gemeentecode});
    }
    context.children = children.roots;
    if (cache) {
        cache->put(family_root, {today, std::move(children.roots), std::move(children.pseudonyms), context.woongemeente,
                                 context.residences});
    }
}

PlanContext context_for(soci::session& sql, const std::string& root, const std::optional<std::string>& family,
                        Day today, ResidenceCache* cache = nullptr) {
    PlanContext context;
    context.pupil_id = root;
    context.pupil_pseudonym = first_pseudonym(sql, records::record_nodes(sql, root));
    if (family) {
        context.family_id = records::family_root(sql, *family);
        residence_of(sql, context.family_id, today, context, cache);
    } else {
        context.family_id = "pupil-" + root;
    }
    return context;
}

}  // namespace

PlanContext plan_context(soci::session& sql, const std::string& pupil_id, Day today, ResidenceCache* cache) {
    const std::string root = records::root_of(sql, pupil_id);
    return context_for(sql, root, records::family_of_record(sql, records::record_nodes(sql, root)), today, cache);
}

std::string pupil_pseudonym(soci::session& sql, const std::string& pupil_id) {
    return first_pseudonym(sql, records::record_nodes(sql, records::root_of(sql, pupil_id)));
}

PlanContext plan_context_of_plan(soci::session& sql, const PlanState& plan, Day today) {
    const std::string pupil = !plan.escalated_pupil.empty() ? plan.escalated_pupil
                              : !plan.pupils.empty()        ? plan.pupils.front().pupil
                                                            : std::string();
    const std::string root = pupil.empty() ? pupil : records::root_of(sql, pupil);
    std::optional<std::string> family;
    if (!plan.family_id.starts_with("pupil-")) family = plan.family_id;
    PlanContext context = context_for(sql, root, family, today);
    context.family_id = plan.family_id;
    return context;
}

std::vector<Decision> refresh_residence(const Engine& engine, PlanState& plan, const PlanContext& context,
                                        const std::string& school_gemeentecode, Day today) {
    const std::string known = context.woongemeente.value_or("");
    // The records' history is the authority on dates: enrolments are told to the woongemeente of
    // their own date (routeboek/registration.cpp).
    if (!context.residences.empty()) plan.residences = context.residences;
    if (plan.woongemeente.empty()) {
        plan.woongemeente = !known.empty() ? known : school_gemeentecode;
        if (!plan.woongemeente.empty()) {
            plan.timeline.push_back({today, "signal", engine.routeboek().id + "/grensverkeer/woongemeente",
                                     known.empty() ? "woongemeente not yet known; the school's municipality is assumed"
                                                   : "woongemeente from the municipality's registration",
                                     plan.woongemeente});
        }
        return {};
    }
    if (known.empty() || known == plan.woongemeente) return {};
    // The move from the date its period started (the latest one that started by today).
    Day from = today;
    for (const Residence& r : context.residences) {
        if (r.from <= today && r.gemeentecode == known) from = r.from;
    }
    SignalEvent move;
    move.on = today;
    move.signal = Signal{format_day(today) + "T00:00:00Z", std::nullopt, PersonMoved{known, from}};
    return engine.apply(plan, move, today).value();
}

// The plan as stored: its reasons sealed (see plan_store.hpp).
static PlanState sealed_plan(const TextSealer& sealer, const PlanState& plan) {
    PlanState out = plan;
    for (std::size_t i = 0; i < out.overrides.size(); ++i) {
        out.overrides[i].reason = sealer.seal("plans", plan.family_id, "/overrides/" + std::to_string(i) + "/reason",
                                              out.overrides[i].reason);
    }
    for (std::size_t i = 0; i < out.timeline.size(); ++i) {
        out.timeline[i].reason =
            sealer.seal("plans", plan.family_id, "/timeline/" + std::to_string(i) + "/reason", out.timeline[i].reason);
    }
    return out;
}

static void open_plan(const TextSealer& sealer, PlanState& plan) {
    for (std::size_t i = 0; i < plan.overrides.size(); ++i) {
        plan.overrides[i].reason = sealer.open_or_placeholder(
            "plans", plan.family_id, "/overrides/" + std::to_string(i) + "/reason", plan.overrides[i].reason);
    }
    for (std::size_t i = 0; i < plan.timeline.size(); ++i) {
        plan.timeline[i].reason = sealer.open_or_placeholder(
            "plans", plan.family_id, "/timeline/" + std::to_string(i) + "/reason", plan.timeline[i].reason);
    }
}

std::optional<PlanState> load_plan(soci::session& sql, const TextSealer& sealer, Backend backend,
                                   const std::string& family_id, bool for_update) {
    std::string state;
    soci::indicator ind = soci::i_null;
    const std::string lock = for_update && backend == Backend::postgresql ? " FOR UPDATE" : "";
    sql << "SELECT state FROM plans WHERE family_id = :f" + lock, soci::use(family_id), soci::into(state, ind);
    if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
    // The state is encrypted under the plan's payload key (retention/payload_keys.hpp).
    const auto opened = open_payload(sql, "plans", family_id, "state", state);
    if (!opened) throw std::runtime_error("a stored plan's payload key is gone");
    auto plan = decode_plan(*opened);
    if (!plan) throw std::runtime_error("a stored plan cannot be read");
    open_plan(sealer, plan.value());
    return std::move(plan).value();
}

std::optional<PlanState> adopt_pupil_plan(soci::session& sql, const TextSealer& sealer, Backend backend,
                                          const std::string& pupil_plan_id, const std::string& family_id) {
    auto plan = load_plan(sql, sealer, backend, pupil_plan_id, true);
    if (!plan) return std::nullopt;
    plan->family_id = family_id;
    sql << "DELETE FROM plans WHERE family_id = :f", soci::use(pupil_plan_id);
    sql << "UPDATE plan_decisions SET family_id = :n WHERE family_id = :o", soci::use(family_id),
        soci::use(pupil_plan_id);
    return plan;
}

int adopt_sibling_plans(soci::session& sql, const TextSealer& sealer, Backend backend, const std::string& family_id,
                        PlanState& plan, const std::vector<std::string>* children) {
    if (family_id.starts_with("pupil-")) return 0;
    int adopted = 0;
    const std::vector<std::string> roots = children ? *children : records::family_children(sql, family_id).roots;
    for (const std::string& child : roots) {
        auto sibling = adopt_pupil_plan(sql, sealer, backend, "pupil-" + child, family_id);
        if (!sibling) continue;
        adopt_plan(plan, std::move(*sibling));
        ++adopted;
    }
    return adopted;
}

namespace {

// The plan's facts the console's dashboard counts (schemas/sql/0020_console.sql): municipality
// codes and a date, kept in plain columns so no sealed state is opened to count them.
struct AggregateFacts {
    std::string woongemeente, first_worrying, schools, escalated_school;
    soci::indicator woongemeente_ind = soci::i_null, first_ind = soci::i_null, schools_ind = soci::i_null,
                    escalated_ind = soci::i_null;
};

AggregateFacts aggregate_facts(const PlanState& plan) {
    AggregateFacts f;
    f.woongemeente = plan.woongemeente;
    if (plan.escalated_since && plan.first_worrying) f.first_worrying = format_day(*plan.first_worrying);
    for (const PupilInPlan& p : plan.pupils) {
        if (!f.schools.empty()) f.schools += ',';
        f.schools += p.school_gemeentecode;
        if (plan.escalated_since && p.pupil == plan.escalated_pupil) f.escalated_school = p.school_gemeentecode;
    }
    if (plan.escalated_since && f.escalated_school.empty()) f.escalated_school = "?";
    f.woongemeente_ind = f.woongemeente.empty() ? soci::i_null : soci::i_ok;
    f.first_ind = f.first_worrying.empty() ? soci::i_null : soci::i_ok;
    f.schools_ind = plan.pupils.empty() ? soci::i_null : soci::i_ok;
    f.escalated_ind = f.escalated_school.empty() ? soci::i_null : soci::i_ok;
    return f;
}

}  // namespace

void save_plan(soci::session& sql, const TextSealer& sealer, const PlanState& plan, const std::string& routeboek_id,
               std::optional<Day> next_check, bool existed, std::int64_t now_us) {
    const std::string state = seal_payload(sql, family_owner(plan.family_id), "plans", plan.family_id, "state",
                                           encode_plan(sealed_plan(sealer, plan)));
    const std::string escalated = plan.escalated_since ? format_day(*plan.escalated_since) : std::string();
    const std::string next = next_check ? format_day(*next_check) : std::string();
    soci::indicator escalated_ind = escalated.empty() ? soci::i_null : soci::i_ok;
    soci::indicator table_ind = plan.table.empty() ? soci::i_null : soci::i_ok;
    soci::indicator next_ind = next.empty() ? soci::i_null : soci::i_ok;
    const long long now = now_us;
    AggregateFacts facts = aggregate_facts(plan);
    if (existed) {
        sql << "UPDATE plans SET routeboek_id = :r, state = :s, escalated_since = :e, table_id = :t, next_check = :n, "
               "updated_at_us = :u, woongemeente = :w, first_worrying = :fw, school_gemeenten = :sg, "
               "escalated_schoolgemeente = :es WHERE family_id = :f",
            soci::use(routeboek_id), soci::use(state), soci::use(escalated, escalated_ind),
            soci::use(plan.table, table_ind), soci::use(next, next_ind), soci::use(now),
            soci::use(facts.woongemeente, facts.woongemeente_ind), soci::use(facts.first_worrying, facts.first_ind),
            soci::use(facts.schools, facts.schools_ind), soci::use(facts.escalated_school, facts.escalated_ind),
            soci::use(plan.family_id);
    } else {
        // Two instances creating the same family's first plan: the second hits the primary key and
        // its transaction runs again, now finding the plan (write_transaction.hpp).
        sql << "INSERT INTO plans (family_id, routeboek_id, state, escalated_since, table_id, next_check, "
               "updated_at_us, woongemeente, first_worrying, school_gemeenten, escalated_schoolgemeente) "
               "VALUES (:f, :r, :s, :e, :t, :n, :u, :w, :fw, :sg, :es)",
            soci::use(plan.family_id), soci::use(routeboek_id), soci::use(state), soci::use(escalated, escalated_ind),
            soci::use(plan.table, table_ind), soci::use(next, next_ind), soci::use(now),
            soci::use(facts.woongemeente, facts.woongemeente_ind), soci::use(facts.first_worrying, facts.first_ind),
            soci::use(facts.schools, facts.schools_ind), soci::use(facts.escalated_school, facts.escalated_ind);
    }
}

long long seal_stored_plans(Database& database, const TextSealer& sealer) {
    const auto unsealed = [](const PlanState& plan) {
        for (const Override& o : plan.overrides) {
            if (field_key_version(o.reason) == 0) return true;
        }
        for (const TimelineEntry& e : plan.timeline) {
            if (field_key_version(e.reason) == 0) return true;
        }
        return false;
    };
    std::vector<std::string> ids = database.with_session([&](soci::session& sql) {
        std::vector<std::string> out;
        soci::rowset<std::string> rows = (sql.prepare << "SELECT family_id FROM plans ORDER BY family_id");
        for (const std::string& id : rows) out.push_back(id);
        return out;
    });
    long long changed = 0;
    for (const std::string& family_id : ids) {
        changed += database.with_session([&](soci::session& sql) {
            return in_write_transaction(sql, database.backend(), [&]() -> long long {
                std::string state;
                soci::indicator ind = soci::i_null;
                sql << "SELECT state FROM plans WHERE family_id = :f", soci::use(family_id), soci::into(state, ind);
                if (!sql.got_data() || ind != soci::i_ok) return 0;
                auto plan = decode_plan(state);
                if (!plan || !unsealed(plan.value())) return 0;  // a plan that does not decode is left to the worker
                open_plan(sealer, plan.value());
                const std::string sealed = encode_plan(sealed_plan(sealer, plan.value()));
                sql << "UPDATE plans SET state = :s WHERE family_id = :f AND state = :old", soci::use(sealed),
                    soci::use(family_id), soci::use(state);
                return 1;
            });
        });
    }
    return changed;
}

void DecisionRows::decision(const TextSealer& sealer, const std::string& family_id, const Decision& decision, Day today,
                            const std::string& signal_id, const std::optional<std::string>& delivery_id,
                            const std::string& decided_by, std::int64_t now_us, int seq, const std::string& ref) {
    auto null_if_empty = [](const std::string& s) { return s.empty() ? soci::i_null : soci::i_ok; };
    Row row;
    row.id = records::new_id();
    row.family_id = family_id;
    row.on = format_day(today);
    row.kind = std::string(to_string(decision.kind));
    row.rule = decision.rule;
    row.reason = sealer.seal("plan_decisions", row.id, "reason", decision.reason);
    row.table = decision.table;
    row.task_id = decision.task ? decision.task->id : std::string();
    row.recipient = decision.task ? decision.task->recipient : std::string();
    row.due = decision.task ? format_day(decision.task->due) : std::string();
    row.signal_id = signal_id;
    row.delivery_id = delivery_id.value_or("");
    row.decided_by = decided_by;
    row.at = now_us;
    row.entry = "decision";
    row.seq = seq;
    // The timeline's reference: the task's id, else the table (as the engine's timeline line has it).
    row.ref = !ref.empty() ? ref : !row.task_id.empty() ? row.task_id : decision.table;
    row.table_ind = null_if_empty(row.table);
    row.task_ind = null_if_empty(row.task_id);
    row.recipient_ind = null_if_empty(row.recipient);
    row.due_ind = null_if_empty(row.due);
    row.signal_ind = null_if_empty(row.signal_id);
    row.delivery_ind = null_if_empty(row.delivery_id);
    rows_.push_back(std::move(row));
}

void DecisionRows::note(const TextSealer& sealer, const std::string& family_id, const TimelineEntry& entry,
                        const std::string& signal_id, const std::string& decided_by, std::int64_t now_us, int seq) {
    Row row;
    row.id = records::new_id();
    row.family_id = family_id;
    row.on = format_day(entry.at);
    row.kind = entry.kind;
    row.rule = entry.rule;
    row.reason = sealer.seal("plan_decisions", row.id, "reason", entry.reason);
    row.signal_id = signal_id;
    row.signal_ind = signal_id.empty() ? soci::i_null : soci::i_ok;
    row.decided_by = decided_by;
    row.at = now_us;
    row.entry = "note";
    row.seq = seq;
    row.ref = entry.ref;
    rows_.push_back(std::move(row));
}

void DecisionRows::insert(soci::session& sql) {
    // 17 values a row: 50 rows stay below the 999 parameters of the oldest SQLite builds.
    constexpr std::size_t chunk = 50;
    for (std::size_t start = 0; start < rows_.size(); start += chunk) {
        const std::size_t n = std::min(chunk, rows_.size() - start);
        std::string query =
            "INSERT INTO plan_decisions (decision_id, family_id, decided_on, kind, rule, reason, table_id, task_id, "
            "recipient, due_date, signal_id, delivery_id, decided_by, decided_at_us, entry, seq, ref) VALUES ";
        soci::statement st(sql);
        for (std::size_t i = 0; i < n; ++i) {
            Row& row = rows_[start + i];
            const std::string p = ":r" + std::to_string(i) + "_";
            query += (i ? ", (" : "(");
            for (int column = 0; column < 17; ++column) query += (column ? ", " : "") + p + std::to_string(column);
            query += ")";
            st.exchange(soci::use(row.id));
            st.exchange(soci::use(row.family_id));
            st.exchange(soci::use(row.on));
            st.exchange(soci::use(row.kind));
            st.exchange(soci::use(row.rule));
            st.exchange(soci::use(row.reason));
            st.exchange(soci::use(row.table, row.table_ind));
            st.exchange(soci::use(row.task_id, row.task_ind));
            st.exchange(soci::use(row.recipient, row.recipient_ind));
            st.exchange(soci::use(row.due, row.due_ind));
            st.exchange(soci::use(row.signal_id, row.signal_ind));
            st.exchange(soci::use(row.delivery_id, row.delivery_ind));
            st.exchange(soci::use(row.decided_by));
            st.exchange(soci::use(row.at));
            st.exchange(soci::use(row.entry));
            st.exchange(soci::use(row.seq));
            st.exchange(soci::use(row.ref));
        }
        st.alloc();
        st.prepare(query);
        st.define_and_bind();
        st.execute(true);
    }
    rows_.clear();
}

std::vector<TimelineEntry> load_timeline(soci::session& sql, const TextSealer& sealer, const std::string& family_id) {
    std::vector<TimelineEntry> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT decision_id, decided_on, kind, rule, reason, ref FROM plan_decisions "
                        "WHERE family_id = :f AND ref IS NOT NULL ORDER BY decided_on, decided_at_us, seq, decision_id",
         soci::use(family_id));
    for (const soci::row& row : rows) {
        const std::string id = row.get<std::string>(0);
        const auto at = parse_day(row.get<std::string>(1));
        if (!at) continue;
        out.push_back({*at, row.get<std::string>(2), row.get<std::string>(3),
                       sealer.open_or_placeholder("plan_decisions", id, "reason", row.get<std::string>(4)),
                       row.get<std::string>(5)});
    }
    return out;
}

std::vector<std::string> unplanned_signals(soci::session& sql, int max) {
    soci::rowset<std::string> rows =
        (sql.prepare << "SELECT signal_id FROM signals WHERE planned_at_us IS NULL AND plan_parked_at_us IS NULL "
                        "ORDER BY received_at_us, signal_id "
                        "LIMIT :n",
         soci::use(max));
    return {rows.begin(), rows.end()};
}

std::vector<UnplannedSignal> unplanned_signals_by_family(soci::session& sql, int max) {
    std::vector<UnplannedSignal> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT s.signal_id, COALESCE(p.family_id, l.pupil_id, s.signal_id) FROM signals s "
                        "LEFT JOIN signal_links l ON l.signal_id = s.signal_id "
                        "LEFT JOIN pupils p ON p.pupil_id = l.pupil_id "
                        "WHERE s.planned_at_us IS NULL AND s.plan_parked_at_us IS NULL "
                        "ORDER BY s.received_at_us, s.signal_id LIMIT :n",
         soci::use(max));
    for (const soci::row& row : rows) out.push_back({row.get<std::string>(0), row.get<std::string>(1)});
    return out;
}

std::optional<ClaimedSignal> claim_signal(soci::session& sql, Backend backend, const std::string& signal_id) {
    const std::string lock = backend == Backend::postgresql ? " FOR UPDATE SKIP LOCKED" : "";
    ClaimedSignal claimed;
    claimed.signal.signal_id = signal_id;
    sql << "SELECT envelope, correlation_id FROM signals WHERE signal_id = :s AND planned_at_us IS NULL" + lock,
        soci::use(signal_id), soci::into(claimed.signal.envelope), soci::into(claimed.correlation_id);
    if (!sql.got_data()) return std::nullopt;
    // An envelope whose key is gone reads as empty: it fails to decode and is parked.
    claimed.signal.envelope =
        open_payload(sql, "signals", signal_id, "envelope", claimed.signal.envelope).value_or(std::string());
    std::string pupil;
    soci::indicator ind = soci::i_null;
    sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal_id), soci::into(pupil, ind);
    if (sql.got_data() && ind == soci::i_ok) claimed.signal.pupil_id = pupil;
    return claimed;
}

void mark_planned(soci::session& sql, const std::string& signal_id, std::int64_t now_us) {
    const long long now = now_us;
    sql << "UPDATE signals SET planned_at_us = :t WHERE signal_id = :s", soci::use(now), soci::use(signal_id);
}

std::vector<std::string> due_plans(soci::session& sql, Day today, int max) {
    const std::string day = format_day(today);
    soci::rowset<std::string> rows = (sql.prepare << "SELECT family_id FROM plans WHERE next_check IS NOT NULL AND "
                                                     "next_check <= :d AND parked_at_us IS NULL "
                                                     "ORDER BY next_check, family_id LIMIT :n",
                                      soci::use(day), soci::use(max));
    return {rows.begin(), rows.end()};
}

bool plan_is_due(soci::session& sql, const std::string& family_id, Day today) {
    const std::string day = format_day(today);
    int due = 0;
    sql << "SELECT COUNT(*) FROM plans WHERE family_id = :f AND next_check IS NOT NULL AND next_check <= :d",
        soci::use(family_id), soci::use(day), soci::into(due);
    return due > 0;
}

bool count_failure(soci::session& sql, ParkedKind kind, const std::string& id, int max_attempts, std::int64_t now_us) {
    const long long now = now_us;
    const bool signal = kind == ParkedKind::signal;
    const std::string table = signal ? "signals" : "plans";
    const std::string key = signal ? "signal_id" : "family_id";
    const std::string attempts = signal ? "plan_attempts" : "tick_attempts";
    const std::string parked = signal ? "plan_parked_at_us" : "parked_at_us";
    sql << "UPDATE " + table + " SET " + attempts + " = " + attempts + " + 1, " + parked + " = CASE WHEN " + attempts +
               " + 1 >= :max THEN CAST(:now AS BIGINT) ELSE NULL END WHERE " + key + " = :id",
        soci::use(max_attempts), soci::use(now), soci::use(id);
    soci::indicator ind = soci::i_null;
    long long at = 0;
    sql << "SELECT " + parked + " FROM " + table + " WHERE " + key + " = :id", soci::use(id), soci::into(at, ind);
    return sql.got_data() && ind == soci::i_ok;
}

void clear_failures(soci::session& sql, ParkedKind kind, const std::string& id) {
    if (kind == ParkedKind::signal) {
        sql << "UPDATE signals SET plan_attempts = 0, plan_parked_at_us = NULL WHERE signal_id = :id AND plan_attempts "
               "> 0",
            soci::use(id);
    } else {
        sql << "UPDATE plans SET tick_attempts = 0, parked_at_us = NULL WHERE family_id = :id AND tick_attempts > 0",
            soci::use(id);
    }
}

std::vector<ParkedItem> parked_items(soci::session& sql, int max) {
    std::vector<ParkedItem> out;
    {
        soci::rowset<soci::row> rows =
            (sql.prepare
                 << "SELECT signal_id, plan_attempts, plan_parked_at_us FROM signals WHERE planned_at_us IS NULL "
                    "AND plan_parked_at_us IS NOT NULL ORDER BY plan_parked_at_us, signal_id LIMIT :n",
             soci::use(max));
        for (const soci::row& row : rows) {
            ParkedItem item{ParkedKind::signal, row.get<std::string>(0), 0, 0};
            item.attempts = static_cast<int>(integer_at(row, 1));
            item.parked_at_us = integer_at(row, 2);
            out.push_back(std::move(item));
        }
    }
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT family_id, tick_attempts, parked_at_us FROM plans WHERE parked_at_us IS NOT NULL "
                        "ORDER BY parked_at_us, family_id LIMIT :n",
         soci::use(max));
    for (const soci::row& row : rows) {
        ParkedItem item{ParkedKind::plan, row.get<std::string>(0), 0, 0};
        item.attempts = static_cast<int>(integer_at(row, 1));
        item.parked_at_us = integer_at(row, 2);
        out.push_back(std::move(item));
    }
    return out;
}

int retry_parked(soci::session& sql) {
    long long signals = 0, plans = 0;
    sql << "SELECT COUNT(*) FROM signals WHERE plan_parked_at_us IS NOT NULL AND planned_at_us IS NULL",
        soci::into(signals);
    sql << "SELECT COUNT(*) FROM plans WHERE parked_at_us IS NOT NULL", soci::into(plans);
    sql << "UPDATE signals SET plan_attempts = 0, plan_parked_at_us = NULL "
           "WHERE plan_parked_at_us IS NOT NULL AND planned_at_us IS NULL";
    sql << "UPDATE plans SET tick_attempts = 0, parked_at_us = NULL WHERE parked_at_us IS NOT NULL";
    return static_cast<int>(signals + plans);
}

}  // namespace eenplan::service

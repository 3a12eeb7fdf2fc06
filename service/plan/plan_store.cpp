#include "plan/plan_store.hpp"

#include "eenplan/core/record/residence.hpp"
#include "eenplan/core/field_encryption.hpp"
#include "plan/plan_codec.hpp"
#include "store/batch_sql.hpp"
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

PlanContext context_for(soci::session& sql, const std::string& root, std::string pseudonym,
                        const std::optional<std::string>& family, Day today, ResidenceCache* cache = nullptr) {
    PlanContext context;
    context.pupil_id = root;
    context.pupil_pseudonym = std::move(pseudonym);
    if (family) {
        context.family_id = records::family_root(sql, *family);
        residence_of(sql, context.family_id, today, context, cache);
    } else {
        context.family_id = "pupil-" + root;
    }
    return context;
}

PlanContext context_for(soci::session& sql, const std::string& root, const std::optional<std::string>& family,
                        Day today, ResidenceCache* cache = nullptr) {
    return context_for(sql, root, first_pseudonym(sql, records::record_nodes(sql, root)), family, today, cache);
}

}  // namespace

PlanContext plan_context(soci::session& sql, const std::string& pupil_id, Day today, ResidenceCache* cache) {
    const std::string root = records::root_of(sql, pupil_id);
    const std::vector<std::string> nodes = records::record_nodes(sql, root);
    return context_for(sql, root, first_pseudonym(sql, nodes), records::family_of_record(sql, nodes), today, cache);
}

std::map<std::string, PlanContext> plan_contexts(soci::session& sql, const std::vector<std::string>& pupil_ids,
                                                 Day today, ResidenceCache* cache) {
    // One statement for the records of the whole batch. A record that was merged, or that others were
    // merged into, takes the walk of plan_context: its root and pseudonyms lie in other rows.
    std::map<std::string, PlanContext> out;
    std::vector<std::string> wanted = pupil_ids;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    struct Simple {
        std::string pseudonym;
        std::optional<std::string> family;
    };
    std::map<std::string, Simple> simple;
    select_in(sql,
              "SELECT p.pupil_id, p.merged_into, p.family_id, "
              "(SELECT i.pseudonym FROM pupil_identifiers i WHERE i.pupil_id = p.pupil_id "
              "ORDER BY i.added_at_us, i.pseudonym LIMIT 1), "
              "CASE WHEN EXISTS (SELECT 1 FROM pupils c WHERE c.merged_into = p.pupil_id) THEN 'y' ELSE 'n' END "
              "FROM pupils p WHERE p.pupil_id",
              5, wanted, {}, [&](const CellRow& row) {
                  if (!row[1] && row[4] == "n") simple[*row[0]] = {row[3].value_or(""), row[2]};
              });
    for (const std::string& pupil : wanted) {
        if (const auto it = simple.find(pupil); it != simple.end()) {
            out[pupil] = context_for(sql, pupil, it->second.pseudonym, it->second.family, today, cache);
        } else {
            out[pupil] = plan_context(sql, pupil, today, cache);  // merged, or (gone meanwhile) as it reads now
        }
    }
    return out;
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

StoredPlans load_plans(soci::session& sql, const TextSealer& sealer, Backend backend,
                       const std::vector<std::string>& family_ids, bool for_update) {
    StoredPlans out;
    std::vector<std::pair<std::string, std::string>> stored;  // family, state
    // Locked in the order of their ids, so that two instances locking overlapping batches wait for
    // each other rather than deadlock.
    std::vector<std::string> ids = family_ids;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const std::string lock = for_update && backend == Backend::postgresql ? "ORDER BY family_id FOR UPDATE" : "";
    select_in(sql, "SELECT family_id, state FROM plans WHERE family_id", 2, ids, lock, [&](const CellRow& row) {
        if (row[1]) stored.emplace_back(*row[0], *row[1]);
    });
    // The states are encrypted under the plans' payload keys (retention/payload_keys.hpp).
    PayloadBatch payloads;
    std::vector<std::string> states;
    for (const auto& [family, state] : stored) states.push_back(state);
    payloads.read(sql, states);
    for (const auto& [family, state] : stored) {
        const auto opened = payloads.open("plans", family, "state", state);
        if (!opened) {
            out.unreadable[family] = "a stored plan's payload key is gone";
            continue;
        }
        auto plan = decode_plan(*opened);
        if (!plan) {
            out.unreadable[family] = "a stored plan cannot be read";
            continue;
        }
        open_plan(sealer, plan.value());
        out.plans.emplace(family, std::move(plan).value());
    }
    return out;
}

std::optional<PlanState> load_plan(soci::session& sql, const TextSealer& sealer, Backend backend,
                                   const std::string& family_id, bool for_update) {
    StoredPlans stored = load_plans(sql, sealer, backend, {family_id}, for_update);
    if (const auto why = stored.unreadable.find(family_id); why != stored.unreadable.end())
        throw std::runtime_error(why->second);
    const auto it = stored.plans.find(family_id);
    if (it == stored.plans.end()) return std::nullopt;
    return std::move(it->second);
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

namespace {

// The plan's facts the console's dashboard counts (schemas/sql/0020_console.sql): municipality
// codes and a date, kept in plain columns so no sealed state is opened to count them.
struct AggregateFacts {
    Cell woongemeente, first_worrying, schools, escalated_school;
};

AggregateFacts aggregate_facts(const PlanState& plan) {
    const auto text_or_null = [](std::string value) { return value.empty() ? std::nullopt : Cell(std::move(value)); };
    AggregateFacts f;
    f.woongemeente = text_or_null(plan.woongemeente);
    if (plan.escalated_since && plan.first_worrying) f.first_worrying = format_day(*plan.first_worrying);
    std::string schools, escalated;
    for (const PupilInPlan& p : plan.pupils) {
        if (!schools.empty()) schools += ',';
        schools += p.school_gemeentecode;
        if (plan.escalated_since && p.pupil == plan.escalated_pupil) escalated = p.school_gemeentecode;
    }
    if (plan.escalated_since && escalated.empty()) escalated = "?";
    if (!plan.pupils.empty()) f.schools = schools;
    f.escalated_school = text_or_null(escalated);
    return f;
}

}  // namespace

void PlanRows::save(const PlanState& plan, const std::string& routeboek_id, std::optional<Day> next_check, bool existed,
                    std::int64_t now_us) {
    rows_.push_back({plan, routeboek_id, next_check, existed, now_us});
}

void PlanRows::write(soci::session& sql, const TextSealer& sealer) {
    if (rows_.empty()) return;
    PayloadBatch payloads;
    std::vector<std::string> owners;
    for (const Row& row : rows_) owners.push_back(family_owner(row.plan.family_id));
    payloads.make(sql, owners);
    std::vector<CellRow> created, updated;
    for (const Row& row : rows_) {
        const PlanState& plan = row.plan;
        const AggregateFacts facts = aggregate_facts(plan);
        CellRow cells{plan.family_id,
                      row.routeboek_id,
                      payloads.seal(family_owner(plan.family_id), "plans", plan.family_id, "state",
                                    encode_plan(sealed_plan(sealer, plan))),
                      plan.escalated_since ? Cell(format_day(*plan.escalated_since)) : std::nullopt,
                      plan.table.empty() ? std::nullopt : Cell(plan.table),
                      row.next_check ? Cell(format_day(*row.next_check)) : std::nullopt,
                      std::to_string(row.now_us),
                      facts.woongemeente,
                      facts.first_worrying,
                      facts.schools,
                      facts.escalated_school};
        (row.existed ? updated : created).push_back(std::move(cells));
    }
    rows_.clear();
    constexpr const char* columns =
        "family_id text, routeboek_id text, state text, escalated_since text, table_id text, next_check text, "
        "updated_at_us bigint, woongemeente text, first_worrying text, school_gemeenten text, "
        "escalated_schoolgemeente text";
    // Two instances creating the same family's first plan: the second hits the primary key and its
    // transaction runs again, now finding the plan (write_transaction.hpp).
    insert_rows(sql, "plans", columns, created);
    // A stored plan was read locked (load_plans): it is written over in place.
    insert_rows(sql, "plans", columns, updated,
                "ON CONFLICT (family_id) DO UPDATE SET routeboek_id = excluded.routeboek_id, state = excluded.state, "
                "escalated_since = excluded.escalated_since, table_id = excluded.table_id, "
                "next_check = excluded.next_check, updated_at_us = excluded.updated_at_us, "
                "woongemeente = excluded.woongemeente, first_worrying = excluded.first_worrying, "
                "school_gemeenten = excluded.school_gemeenten, "
                "escalated_schoolgemeente = excluded.escalated_schoolgemeente");
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
    const auto text_or_null = [](std::string value) { return value.empty() ? std::nullopt : Cell(std::move(value)); };
    const std::string id = records::new_id();
    const std::string task_id = decision.task ? decision.task->id : std::string();
    rows_.push_back({id, family_id, format_day(today), std::string(to_string(decision.kind)), decision.rule,
                     sealer.seal("plan_decisions", id, "reason", decision.reason), text_or_null(decision.table),
                     text_or_null(task_id), text_or_null(decision.task ? decision.task->recipient : std::string()),
                     text_or_null(decision.task ? format_day(decision.task->due) : std::string()),
                     text_or_null(signal_id), text_or_null(delivery_id.value_or("")), decided_by,
                     std::to_string(now_us), "decision", std::to_string(seq),
                     // The timeline's reference: the task's id, else the table (as the engine's line has it).
                     !ref.empty()       ? ref
                     : !task_id.empty() ? task_id
                                        : decision.table});
}

void DecisionRows::note(const TextSealer& sealer, const std::string& family_id, const TimelineEntry& entry,
                        const std::string& signal_id, const std::string& decided_by, std::int64_t now_us, int seq) {
    const std::string id = records::new_id();
    rows_.push_back({id, family_id, format_day(entry.at), entry.kind, entry.rule,
                     sealer.seal("plan_decisions", id, "reason", entry.reason), std::nullopt, std::nullopt,
                     std::nullopt, std::nullopt, signal_id.empty() ? std::nullopt : Cell(signal_id), std::nullopt,
                     decided_by, std::to_string(now_us), "note", std::to_string(seq), entry.ref});
}

void DecisionRows::move_family(const std::string& from, const std::string& to) {
    for (CellRow& row : rows_) {
        if (row[1] == from) row[1] = to;
    }
}

void DecisionRows::append(DecisionRows&& other) {
    rows_.insert(rows_.end(), std::make_move_iterator(other.rows_.begin()), std::make_move_iterator(other.rows_.end()));
    other.rows_.clear();
}

void DecisionRows::insert(soci::session& sql) {
    insert_rows(sql, "plan_decisions",
                "decision_id text, family_id text, decided_on text, kind text, rule text, reason text, table_id text, "
                "task_id text, recipient text, due_date text, signal_id text, delivery_id text, decided_by text, "
                "decided_at_us bigint, entry text, seq integer, ref text",
                rows_);
    rows_.clear();
}

void PlanWrites::append(PlanWrites&& other) {
    decisions.append(std::move(other.decisions));
    tasks.tasks.insert(tasks.tasks.end(), other.tasks.tasks.begin(), other.tasks.tasks.end());
    tasks.deliveries.insert(tasks.deliveries.end(), other.tasks.deliveries.begin(), other.tasks.deliveries.end());
    other.tasks = {};
}

void PlanWrites::insert(soci::session& sql) {
    OutboxStore::insert(sql, tasks);
    decisions.insert(sql);
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

std::vector<UnplannedSignal> unplanned_signals_by_family(soci::session& sql, int max) {
    // One round trip (a rowset would prepare, run and deallocate).
    std::vector<UnplannedSignal> out;
    UnplannedSignal row;
    soci::statement st(sql);
    st.exchange(soci::use(max));
    st.exchange(soci::into(row.signal_id));
    st.exchange(soci::into(row.family_key));
    if (!run_once(st,
                  "SELECT s.signal_id, COALESCE(p.family_id, l.pupil_id, s.signal_id) FROM signals s "
                  "LEFT JOIN signal_links l ON l.signal_id = s.signal_id LEFT JOIN pupils p ON p.pupil_id = "
                  "l.pupil_id WHERE s.planned_at_us IS NULL AND s.plan_parked_at_us IS NULL "
                  "ORDER BY s.received_at_us, s.signal_id LIMIT :n"))
        return out;
    do {
        out.push_back(row);
    } while (st.fetch());
    return out;
}

std::vector<ClaimedSignal> claim_signals(soci::session& sql, Backend backend, const std::vector<std::string>& ids) {
    std::map<std::string, ClaimedSignal> found;
    select_in(sql,
              "SELECT s.signal_id, s.envelope, s.correlation_id, l.pupil_id FROM signals s "
              "LEFT JOIN signal_links l ON l.signal_id = s.signal_id WHERE s.planned_at_us IS NULL AND s.signal_id",
              4, ids, backend == Backend::postgresql ? "FOR UPDATE OF s SKIP LOCKED" : "", [&](const CellRow& row) {
                  ClaimedSignal& claimed = found[*row[0]];
                  claimed.signal.signal_id = *row[0];
                  claimed.signal.envelope = row[1].value_or("");
                  claimed.correlation_id = row[2].value_or("");
                  claimed.signal.pupil_id = row[3].value_or("");
              });
    PayloadBatch payloads;
    std::vector<std::string> envelopes;
    for (const auto& [id, claimed] : found) envelopes.push_back(claimed.signal.envelope);
    payloads.read(sql, envelopes);
    std::vector<ClaimedSignal> out;
    for (const std::string& id : ids) {
        const auto it = found.find(id);
        if (it == found.end()) continue;
        ClaimedSignal claimed = std::move(it->second);
        found.erase(it);
        // An envelope whose key is gone reads as empty: it fails to decode and is parked.
        claimed.signal.envelope =
            payloads.open("signals", claimed.signal.signal_id, "envelope", claimed.signal.envelope).value_or("");
        out.push_back(std::move(claimed));
    }
    return out;
}

void mark_planned(soci::session& sql, const std::vector<std::string>& signal_ids, std::int64_t now_us) {
    if (signal_ids.empty()) return;
    // One statement for a batch: its signals are planned at the stamp of its write.
    execute_in(sql, "UPDATE signals SET planned_at_us = :t WHERE signal_id", {std::to_string(now_us)}, signal_ids);
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

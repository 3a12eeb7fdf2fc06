#include "retention/family_scope.hpp"

#include <algorithm>

#include <soci/soci.h>

#include "retention/payload_keys.hpp"

namespace eenplan::service {
namespace {

std::vector<std::string> strings(soci::session& sql, const std::string& query, const std::string& id) {
    std::vector<std::string> out;
    soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(id));
    for (const soci::row& row : rows) {
        if (row.get_indicator(0) == soci::i_ok) out.push_back(row.get<std::string>(0));
    }
    return out;
}

long long latest(soci::session& sql, const std::string& query, const std::string& id) {
    long long value = 0;
    soci::indicator ind = soci::i_null;
    sql << query, soci::use(id), soci::into(value, ind);
    return sql.got_data() && ind == soci::i_ok ? value : 0;
}

// Adds to `set` what `query` finds for each of `from`, and again for what it added (a closure:
// families joined into joined families, records merged into merged records).
void close_over(soci::session& sql, std::set<std::string>& set, const std::string& query) {
    std::vector<std::string> todo(set.begin(), set.end());
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        for (std::string& found : strings(sql, query, id)) {
            if (set.insert(found).second) todo.push_back(std::move(found));
        }
    }
}

void fill(soci::session& sql, FamilyScope& scope) {
    close_over(sql, scope.families, "SELECT family_id FROM families WHERE merged_into = :f");
    for (const std::string& f : scope.families) {
        for (std::string& p : strings(sql, "SELECT pupil_id FROM pupils WHERE family_id = :f", f))
            scope.pupils.insert(std::move(p));
    }
    close_over(sql, scope.pupils, "SELECT pupil_id FROM pupils WHERE merged_into = :p");

    std::set<std::string> pseudonyms;
    for (const std::string& p : scope.pupils) {
        for (std::string& s : strings(sql, "SELECT signal_id FROM signal_links WHERE pupil_id = :p", p))
            scope.signals.insert(std::move(s));
        for (std::string& s : strings(sql, "SELECT pseudonym FROM pupil_identifiers WHERE pupil_id = :p", p))
            pseudonyms.insert(std::move(s));
        scope.plans.insert("pupil-" + p);
        scope.last_activity_us = std::max<std::int64_t>(
            scope.last_activity_us, latest(sql, "SELECT created_at_us FROM pupils WHERE pupil_id = :p", p));
    }
    for (const std::string& f : scope.families) {
        for (std::string& s : strings(sql, "SELECT signal_id FROM household_registrations WHERE family_id = :f", f))
            scope.signals.insert(std::move(s));
        for (std::string& s : strings(sql, "SELECT pseudonym FROM family_parents WHERE family_id = :f", f))
            pseudonyms.insert(std::move(s));
        scope.plans.insert(f);
        scope.last_activity_us = std::max<std::int64_t>(
            scope.last_activity_us, latest(sql, "SELECT created_at_us FROM families WHERE family_id = :f", f));
    }
    // Moves of the children and parents, and any signal about them no record holds.
    for (const std::string& pseudonym : pseudonyms) {
        for (std::string& s : strings(sql, "SELECT signal_id FROM person_moves WHERE pseudonym = :p", pseudonym))
            scope.signals.insert(std::move(s));
        for (std::string& s : strings(sql, "SELECT signal_id FROM signals WHERE subject_pseudonym = :p", pseudonym))
            scope.signals.insert(std::move(s));
        for (std::string& t : strings(sql, "SELECT task_id FROM tasks WHERE subject_pseudonym = :p", pseudonym))
            scope.tasks.insert(std::move(t));
    }
    for (const std::string& s : scope.signals) {
        scope.last_activity_us = std::max<std::int64_t>(
            scope.last_activity_us, latest(sql, "SELECT received_at_us FROM signals WHERE signal_id = :s", s));
    }
    for (auto it = scope.plans.begin(); it != scope.plans.end();) {
        const std::string& plan = *it;
        for (std::string& t : strings(sql, "SELECT task_id FROM plan_decisions WHERE family_id = :f", plan))
            scope.tasks.insert(std::move(t));
        const long long updated = latest(sql, "SELECT updated_at_us FROM plans WHERE family_id = :f", plan);
        scope.last_activity_us = std::max<std::int64_t>(scope.last_activity_us, updated);
        // A "pupil-<id>" plan id is only kept when such a plan (or its decisions) exists.
        const bool exists =
            updated != 0 || !strings(sql, "SELECT decision_id FROM plan_decisions WHERE family_id = :f", plan).empty();
        it = exists || scope.families.count(plan) ? std::next(it) : scope.plans.erase(it);
    }
    for (const std::string& t : scope.tasks) {
        for (std::string& d : strings(sql, "SELECT delivery_id FROM deliveries WHERE task_id = :t", t))
            scope.deliveries.insert(std::move(d));
    }
}

void delete_where(soci::session& sql, const char* table, const char* column, const std::set<std::string>& ids) {
    const std::string statement = std::string("DELETE FROM ") + table + " WHERE " + column + " = :id";
    for (const std::string& id : ids) sql << statement, soci::use(id);
}

}  // namespace

std::vector<std::string> FamilyScope::key_owners() const {
    std::vector<std::string> owners;
    for (const std::string& f : families) owners.push_back(family_owner(f));
    for (const std::string& p : plans) owners.push_back(family_owner(p));
    for (const std::string& p : pupils) {
        owners.push_back(pupil_owner(p));
        owners.push_back(family_owner("pupil-" + p));
    }
    for (const std::string& s : signals) owners.push_back(signal_owner(s));
    std::sort(owners.begin(), owners.end());
    owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
    return owners;
}

void FamilyScope::add_counts(std::map<std::string, long long>& counts) const {
    counts["families"] += static_cast<long long>(families.size());
    counts["pupils"] += static_cast<long long>(pupils.size());
    counts["signals"] += static_cast<long long>(signals.size());
    counts["plans"] += static_cast<long long>(plans.size());
    counts["tasks"] += static_cast<long long>(tasks.size());
    counts["deliveries"] += static_cast<long long>(deliveries.size());
}

void FamilyScope::add_ids(std::vector<std::string>& lines) const {
    for (const auto& f : families) lines.push_back("family:" + f);
    for (const auto& p : pupils) lines.push_back("pupil:" + p);
    for (const auto& s : signals) lines.push_back("signal:" + s);
    for (const auto& p : plans) lines.push_back("plan:" + p);
    for (const auto& t : tasks) lines.push_back("task:" + t);
    for (const auto& d : deliveries) lines.push_back("delivery:" + d);
}

FamilyScope family_scope(soci::session& sql, const std::string& family_id) {
    // A family joined into another is erased with the household it became part of.
    std::string root = family_id;
    for (int hops = 0; hops < 64; ++hops) {
        std::string next;
        soci::indicator ind = soci::i_null;
        sql << "SELECT merged_into FROM families WHERE family_id = :f", soci::use(root), soci::into(next, ind);
        if (!sql.got_data() || ind != soci::i_ok || next.empty()) break;
        root = next;
    }
    FamilyScope scope;
    scope.families.insert(root);
    fill(sql, scope);
    return scope;
}

FamilyScope lone_pupil_scope(soci::session& sql, const std::string& pupil_id) {
    FamilyScope scope;
    scope.pupils.insert(pupil_id);
    fill(sql, scope);
    return scope;
}

void remove_signal(soci::session& sql, const std::string& signal_id) {
    const std::set<std::string> one{signal_id};
    delete_where(sql, "signal_links", "signal_id", one);
    delete_where(sql, "linkage_encodings", "signal_id", one);
    delete_where(sql, "linkage_blocks", "signal_id", one);
    delete_where(sql, "link_reviews", "signal_id", one);
    delete_where(sql, "household_registrations", "signal_id", one);
    delete_where(sql, "person_moves", "signal_id", one);
    delete_where(sql, "signals", "signal_id", one);
}

void remove_scope(soci::session& sql, const FamilyScope& scope) {
    for (const std::string& s : scope.signals) remove_signal(sql, s);
    delete_where(sql, "delivery_attempts", "delivery_id", scope.deliveries);
    delete_where(sql, "deliveries", "delivery_id", scope.deliveries);
    delete_where(sql, "tasks", "task_id", scope.tasks);
    delete_where(sql, "plan_decisions", "family_id", scope.plans);
    delete_where(sql, "plans", "family_id", scope.plans);
    delete_where(sql, "signal_links", "pupil_id", scope.pupils);
    delete_where(sql, "linkage_encodings", "pupil_id", scope.pupils);
    delete_where(sql, "link_reviews", "pupil_id", scope.pupils);
    delete_where(sql, "link_reviews", "candidate_id", scope.pupils);
    delete_where(sql, "pupil_merges", "survivor_id", scope.pupils);
    delete_where(sql, "pupil_merges", "absorbed_id", scope.pupils);
    delete_where(sql, "consents", "pupil_id", scope.pupils);
    delete_where(sql, "pupil_identifiers", "pupil_id", scope.pupils);
    delete_where(sql, "pupils", "pupil_id", scope.pupils);
    delete_where(sql, "family_parents", "family_id", scope.families);
    delete_where(sql, "household_registrations", "family_id", scope.families);
    delete_where(sql, "families", "family_id", scope.families);
}

}  // namespace eenplan::service

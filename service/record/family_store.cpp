#include "record/family_store.hpp"
#include "record/pupil_store.hpp"

#include <algorithm>

namespace eenplan::service::records {

std::string family_root(soci::session& sql, const std::string& family_id) {
    std::string current = family_id;
    for (int steps = 0; steps < 1000; ++steps) {
        std::string next;
        soci::indicator ind = soci::i_null;
        sql << "SELECT merged_into FROM families WHERE family_id = :id", soci::use(current), soci::into(next, ind);
        if (!sql.got_data() || ind != soci::i_ok) return current;
        current = next;
    }
    throw std::logic_error("family joins form a cycle");
}

std::optional<std::string> family_of_record(soci::session& sql, const std::vector<std::string>& nodes) {
    for (const std::string& node : nodes) {
        std::string family;
        soci::indicator ind = soci::i_null;
        sql << "SELECT family_id FROM pupils WHERE pupil_id = :id", soci::use(node), soci::into(family, ind);
        if (sql.got_data() && ind == soci::i_ok) return family_root(sql, family);
    }
    return std::nullopt;
}

std::optional<std::string> family_of_parent(soci::session& sql, const std::string& pseudonym) {
    std::string family;
    sql << "SELECT family_id FROM family_parents WHERE pseudonym = :p", soci::use(pseudonym), soci::into(family);
    if (!sql.got_data()) return std::nullopt;
    return family_root(sql, family);
}

std::optional<std::string> family_of_parent(soci::session& sql, const HubPseudonym& identifier) {
    if (auto family = family_of_parent(sql, identifier.pseudonym)) return family;
    for (const std::string& value : identifier.earlier) {
        if (auto family = family_of_parent(sql, value)) return family;
    }
    return std::nullopt;
}

void create_family(soci::session& sql, const std::string& family_id, const std::string& signal_id,
                   std::int64_t now_us) {
    const long long now = now_us;
    sql << "INSERT INTO families (family_id, created_at_us, created_by_signal) VALUES (:f, :t, :s)",
        soci::use(family_id), soci::use(now), soci::use(signal_id);
}

std::string oldest_family(soci::session& sql, const std::vector<std::string>& families) {
    std::string oldest;
    long long oldest_at = 0;
    for (const std::string& family : families) {
        long long at = 0;
        sql << "SELECT created_at_us FROM families WHERE family_id = :f", soci::use(family), soci::into(at);
        if (oldest.empty() || at < oldest_at || (at == oldest_at && family < oldest)) {
            oldest = family;
            oldest_at = at;
        }
    }
    return oldest;
}

void join_family(soci::session& sql, const std::string& other, const std::string& into, const std::string& signal_id) {
    sql << "UPDATE pupils SET family_id = :i WHERE family_id = :o", soci::use(into), soci::use(other);
    sql << "UPDATE family_parents SET family_id = :i WHERE family_id = :o", soci::use(into), soci::use(other);
    sql << "UPDATE household_registrations SET family_id = :i WHERE family_id = :o", soci::use(into), soci::use(other);
    sql << "UPDATE families SET merged_into = :i, merged_by_signal = :s WHERE family_id = :o", soci::use(into),
        soci::use(signal_id), soci::use(other);
}

void set_pupil_family(soci::session& sql, const std::string& pupil_id, const std::string& family_id) {
    sql << "UPDATE pupils SET family_id = :f WHERE pupil_id = :p", soci::use(family_id), soci::use(pupil_id);
}

void add_parent(soci::session& sql, const std::string& family_id, const HubPseudonym& identifier,
                const std::string& role, const std::string& signal_id, std::int64_t now_us) {
    int present = 0;
    sql << "SELECT COUNT(*) FROM family_parents WHERE pseudonym = :p", soci::use(identifier.pseudonym),
        soci::into(present);
    if (present > 0) {
        sql << "UPDATE family_parents SET family_id = :f, role = :r WHERE pseudonym = :p", soci::use(family_id),
            soci::use(role), soci::use(identifier.pseudonym);
        return;
    }
    const long long now = now_us;
    sql << "INSERT INTO family_parents (pseudonym, family_id, kind, role, signal_id, added_at_us) "
           "VALUES (:p, :f, :k, :r, :s, :t)",
        soci::use(identifier.pseudonym), soci::use(family_id), soci::use(identifier.kind), soci::use(role),
        soci::use(signal_id), soci::use(now);
}

void add_registration(soci::session& sql, const std::string& signal_id, const std::string& family_id,
                      const Household& household, std::int64_t now_us) {
    const long long now = now_us;
    sql << "INSERT INTO household_registrations (signal_id, family_id, gemeentecode, from_date, recorded_at_us) "
           "VALUES (:s, :f, :g, :d, :t)",
        soci::use(signal_id), soci::use(family_id), soci::use(household.gemeentecode), soci::use(household.from_date),
        soci::use(now);
}

void add_move(soci::session& sql, const std::string& signal_id, const std::string& pseudonym, const Move& move,
              std::int64_t now_us) {
    const long long now = now_us;
    sql << "INSERT INTO person_moves (signal_id, pseudonym, gemeentecode, from_date, recorded_at_us) "
           "VALUES (:s, :p, :g, :d, :t)",
        soci::use(signal_id), soci::use(pseudonym), soci::use(move.gemeentecode), soci::use(move.date), soci::use(now);
}

FamilyChildren family_children(soci::session& sql, const std::string& family_root) {
    FamilyChildren children;
    soci::rowset<std::string> pupils =
        (sql.prepare << "SELECT pupil_id FROM pupils WHERE family_id = :f ORDER BY created_at_us, pupil_id",
         soci::use(family_root));
    const std::vector<std::string> direct(pupils.begin(), pupils.end());
    for (const std::string& pupil : direct) {
        const std::string child = root_of(sql, pupil);
        if (std::find(children.roots.begin(), children.roots.end(), child) != children.roots.end()) continue;
        children.roots.push_back(child);
        for (const std::string& node : record_nodes(sql, child)) {
            soci::rowset<std::string> ids =
                (sql.prepare << "SELECT pseudonym FROM pupil_identifiers WHERE pupil_id = :p", soci::use(node));
            children.pseudonyms.insert(children.pseudonyms.end(), ids.begin(), ids.end());
        }
    }
    return children;
}

std::vector<record::ResidenceEvent> residence_events(soci::session& sql, const std::string& family_id,
                                                     const std::vector<std::string>& child_pseudonyms) {
    std::vector<record::ResidenceEvent> events;
    soci::rowset<soci::row> registrations =
        (sql.prepare << "SELECT signal_id, gemeentecode, from_date, recorded_at_us FROM household_registrations "
                        "WHERE family_id = :f",
         soci::use(family_id));
    for (const soci::row& row : registrations) {
        events.push_back({row.get<std::string>(2), row.get<std::string>(1), row.get<long long>(3),
                          row.get<std::string>(0), "household.composition"});
    }
    for (const std::string& pseudonym : child_pseudonyms) {
        soci::rowset<soci::row> moves =
            (sql.prepare << "SELECT signal_id, gemeentecode, from_date, recorded_at_us FROM person_moves "
                            "WHERE pseudonym = :p",
             soci::use(pseudonym));
        for (const soci::row& row : moves) {
            const auto signal_id = row.get<std::string>(0);
            // A move sent with two identifiers of one child is one event.
            if (std::any_of(events.begin(), events.end(), [&](const auto& e) { return e.signal_id == signal_id; }))
                continue;
            events.push_back(
                {row.get<std::string>(2), row.get<std::string>(1), row.get<long long>(3), signal_id, "person.moved"});
        }
    }
    return events;
}

}  // namespace eenplan::service::records

#include "record/record_views.hpp"
#include "store/database.hpp"

#include <algorithm>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "eenplan/core/record/residence.hpp"
#include "record/family_store.hpp"
#include "record/pupil_store.hpp"

namespace eenplan::service {
namespace {

using namespace records;
using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr new_object() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::Dynamic::Var parse_json(const std::string& text) { return Poco::JSON::Parser().parse(text); }

Array::Ptr identifiers_of(soci::session& sql, const std::vector<std::string>& nodes) {
    Array::Ptr out = new Array;
    for (const std::string& node : nodes) {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT kind, pseudonym, signal_id, added_at_us FROM pupil_identifiers "
                            "WHERE pupil_id = :p ORDER BY added_at_us, pseudonym",
             soci::use(node));
        for (const soci::row& row : rows) {
            auto o = new_object();
            o->set("kind", row.get<std::string>(0));
            o->set("pseudonym", row.get<std::string>(1));
            o->set("record", node);
            o->set("first_signal_id", row.get<std::string>(2));
            o->set("added_at_us", row.get<long long>(3));
            out->add(o);
        }
    }
    return out;
}

Array::Ptr signals_of(soci::session& sql, const std::vector<std::string>& nodes) {
    Array::Ptr out = new Array;
    for (const std::string& node : nodes) {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT s.signal_id, s.type, s.occurred_at, s.source_id, l.rule, l.score, l.evidence, "
                            "l.linked_at_us FROM signal_links l JOIN signals s ON s.signal_id = l.signal_id "
                            "WHERE l.pupil_id = :p ORDER BY s.occurred_at, s.signal_id",
             soci::use(node));
        for (const soci::row& row : rows) {
            auto o = new_object();
            o->set("signal_id", row.get<std::string>(0));
            o->set("type", row.get<std::string>(1));
            o->set("occurred_at", row.get<std::string>(2));
            o->set("source", row.get<std::string>(3));
            o->set("record", node);
            auto link = new_object();
            link->set("rule", row.get<std::string>(4));
            if (row.get_indicator(5) == soci::i_ok) link->set("score", row.get<double>(5));
            link->set("evidence", parse_json(row.get<std::string>(6)));
            link->set("linked_at_us", row.get<long long>(7));
            o->set("link", link);
            out->add(o);
        }
    }
    return out;
}

Object::Ptr merge_row(const TextSealer& sealer, const soci::row& row) {
    auto o = new_object();
    o->set("merge_id", row.get<std::string>(0));
    o->set("survivor_id", row.get<std::string>(1));
    o->set("absorbed_id", row.get<std::string>(2));
    o->set("rule", row.get<std::string>(3));
    const std::string merge_id = row.get<std::string>(0);
    o->set("reason", sealer.open_or_placeholder("pupil_merges", merge_id, "reason", row.get<std::string>(4)));
    o->set("merged_by", row.get<std::string>(5));
    o->set("merged_at_us", row.get<long long>(6));
    if (row.get_indicator(7) == soci::i_ok) o->set("signal_id", row.get<std::string>(7));
    if (row.get_indicator(8) == soci::i_ok) o->set("review_id", row.get<std::string>(8));
    if (row.get_indicator(9) == soci::i_ok) {
        auto undone = new_object();
        undone->set("by", row.get<std::string>(9));
        undone->set("at_us", row.get<long long>(10));
        const std::string undo_reason = row.get_indicator(11) == soci::i_ok ? row.get<std::string>(11) : std::string();
        undone->set("reason", sealer.open_or_placeholder("pupil_merges", merge_id, "undo_reason", undo_reason));
        o->set("undone", undone);
    }
    return o;
}

constexpr const char* merge_columns =
    "SELECT merge_id, survivor_id, absorbed_id, rule, reason, merged_by, merged_at_us, signal_id, review_id, "
    "undone_by, undone_at_us, undo_reason FROM pupil_merges ";

Array::Ptr merges_of(soci::session& sql, const TextSealer& sealer, const std::vector<std::string>& nodes) {
    Array::Ptr out = new Array;
    std::vector<std::string> seen;
    for (const std::string& node : nodes) {
        soci::rowset<soci::row> rows =
            (sql.prepare << std::string(merge_columns) +
                                "WHERE survivor_id = :a OR absorbed_id = :b ORDER BY merged_at_us, merge_id",
             soci::use(node), soci::use(node));
        for (const soci::row& row : rows) {
            const auto id = row.get<std::string>(0);
            if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
            seen.push_back(id);
            out->add(merge_row(sealer, row));
        }
    }
    return out;
}

Object::Ptr review_row(const TextSealer& sealer, const soci::row& row) {
    auto o = new_object();
    o->set("review_id", row.get<std::string>(0));
    o->set("signal_id", row.get<std::string>(1));
    o->set("pupil_id", row.get<std::string>(2));
    o->set("candidate_id", row.get<std::string>(3));
    o->set("score", row.get<double>(4));
    o->set("evidence", parse_json(row.get<std::string>(5)));
    o->set("status", row.get<std::string>(6));
    o->set("created_at_us", row.get<long long>(7));
    if (row.get_indicator(8) == soci::i_ok) {
        auto decision = new_object();
        decision->set("by", row.get<std::string>(8));
        decision->set("at_us", row.get<long long>(9));
        const std::string reason = row.get_indicator(10) == soci::i_ok ? row.get<std::string>(10) : std::string();
        decision->set("reason", sealer.open_or_placeholder("link_reviews", row.get<std::string>(0), "reason", reason));
        if (row.get_indicator(11) == soci::i_ok) decision->set("merge_id", row.get<std::string>(11));
        o->set("decision", decision);
    }
    return o;
}

constexpr const char* review_columns =
    "SELECT review_id, signal_id, pupil_id, candidate_id, score, evidence, status, created_at_us, decided_by, "
    "decided_at_us, reason, merge_id FROM link_reviews ";

}  // namespace

Object::Ptr RecordViews::pupil(const std::string& pupil_id) {
    return database_.with_session([&](soci::session& sql) -> Object::Ptr {
        if (!pupil_exists(sql, pupil_id)) return nullptr;
        const std::string root = root_of(sql, pupil_id);
        const auto nodes = record_nodes(sql, root);
        auto o = new_object();
        o->set("pupil_id", root);
        if (root != pupil_id) o->set("requested_id", pupil_id);
        Array::Ptr records = new Array;
        for (const auto& node : nodes) records->add(node);
        o->set("records", records);
        const auto family = family_of_record(sql, nodes);
        o->set("family_id", family ? Poco::Dynamic::Var(*family) : Poco::Dynamic::Var());
        o->set("identifiers", identifiers_of(sql, nodes));
        o->set("signals", signals_of(sql, nodes));
        o->set("merges", merges_of(sql, sealer_, nodes));
        Array::Ptr reviews = new Array;
        for (const auto& node : nodes) {
            soci::rowset<soci::row> rows =
                (sql.prepare
                     << std::string(review_columns) +
                            "WHERE status = 'open' AND (pupil_id = :a OR candidate_id = :b) ORDER BY created_at_us",
                 soci::use(node), soci::use(node));
            for (const soci::row& row : rows) reviews->add(review_row(sealer_, row));
        }
        o->set("open_reviews", reviews);
        return o;
    });
}

Object::Ptr RecordViews::family(const std::string& family_id, const std::string& on) {
    return database_.with_session([&](soci::session& sql) -> Object::Ptr {
        int present = 0;
        sql << "SELECT COUNT(*) FROM families WHERE family_id = :f", soci::use(family_id), soci::into(present);
        if (present == 0) return nullptr;
        const std::string root = family_root(sql, family_id);
        auto o = new_object();
        o->set("family_id", root);
        if (root != family_id) o->set("requested_id", family_id);

        Array::Ptr members = new Array;
        const FamilyChildren children = family_children(sql, root);
        for (const std::string& child : children.roots) {
            auto m = new_object();
            m->set("role", "child");
            m->set("pupil_id", child);
            members->add(m);
        }
        soci::rowset<soci::row> parents =
            (sql.prepare << "SELECT role, kind, pseudonym FROM family_parents WHERE family_id = :f "
                            "ORDER BY added_at_us, pseudonym",
             soci::use(root));
        for (const soci::row& row : parents) {
            auto m = new_object();
            m->set("role", row.get<std::string>(0));
            m->set("kind", row.get<std::string>(1));
            m->set("pseudonym", row.get<std::string>(2));
            members->add(m);
        }
        o->set("members", members);

        const auto history = record::residence_history(residence_events(sql, root, children.pseudonyms));
        const auto responsible = record::responsible_municipality(history, on);
        o->set("on", on);
        o->set("responsible_gemeentecode", responsible ? Poco::Dynamic::Var(*responsible) : Poco::Dynamic::Var());
        Array::Ptr periods = new Array;
        for (const record::ResidencePeriod& p : history) {
            auto period = new_object();
            period->set("gemeentecode", p.gemeentecode);
            period->set("from", p.from_date);
            period->set("until", p.until_date ? Poco::Dynamic::Var(*p.until_date) : Poco::Dynamic::Var());
            period->set("cause", p.cause);
            period->set("signal_id", p.signal_id);
            periods->add(period);
        }
        o->set("responsible_history", periods);
        return o;
    });
}

Object::Ptr RecordViews::reviews(const std::string& status) {
    return database_.with_session([&](soci::session& sql) -> Object::Ptr {
        Array::Ptr items = new Array;
        const std::string where = status == "all" ? "" : "WHERE status = :s ";
        soci::rowset<soci::row> rows =
            status == "all" ? (sql.prepare << std::string(review_columns) + "ORDER BY created_at_us, review_id")
                            : (sql.prepare << std::string(review_columns) + where + "ORDER BY created_at_us, review_id",
                               soci::use(status));
        for (const soci::row& row : rows) items->add(review_row(sealer_, row));
        auto o = new_object();
        o->set("status", status);
        o->set("reviews", items);
        return o;
    });
}

}  // namespace eenplan::service

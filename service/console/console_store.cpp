#include "console/console_store.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <utility>

#include <Poco/JSON/Array.h>

#include "eenplan/core/console/aggregates.hpp"
#include "eenplan/core/routeboek/calendar.hpp"
#include "store/database.hpp"
#include "store/row_values.hpp"

namespace eenplan::service {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr std::int64_t hour_us = 3'600'000'000LL;
constexpr std::int64_t day_us = 24 * hour_us;
// Rows a delivery-issue view reads at most; beyond it the oldest are left out (and said so).
constexpr int issue_scan_limit = 100'000;

Object::Ptr object() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

// A SELECT whose WHERE clause is put together from the filters given, each value bound by
// position under a placeholder of its own (:p1, :p2, ...), so each statement carries only the
// conditions it needs and the planner sees the indexes they allow.
class Select {
public:
    explicit Select(std::string head) : sql_(std::move(head)) {}

    Select& where(const std::string& condition) {
        sql_ += conditions_++ == 0 ? " WHERE " : " AND ";
        sql_ += condition;
        return *this;
    }
    // The next placeholder, bound to `value`.
    std::string text(std::string value) {
        texts_.push_back(std::move(value));
        order_.emplace_back(true, texts_.size() - 1);
        return next_name();
    }
    std::string number(long long value) {
        numbers_.push_back(value);
        order_.emplace_back(false, numbers_.size() - 1);
        return next_name();
    }
    Select& tail(const std::string& text) {
        sql_ += text;
        return *this;
    }
    [[nodiscard]] const std::string& sql() const { return sql_; }

    template <typename Fn>
    void each(soci::session& session, Fn&& fn) {
        soci::row row;
        soci::statement st(session);
        st.alloc();
        st.prepare(sql_);
        st.exchange(soci::into(row));
        for (const auto& [is_text, i] : order_) {
            if (is_text) {
                st.exchange(soci::use(texts_[i]));
            } else {
                st.exchange(soci::use(numbers_[i]));
            }
        }
        st.define_and_bind();
        if (st.execute(true)) {
            do {
                fn(row);
            } while (st.fetch());
        }
    }

private:
    std::string next_name() { return ":p" + std::to_string(order_.size()); }

    std::string sql_;
    int conditions_ = 0;
    std::deque<std::string> texts_;
    std::deque<long long> numbers_;
    std::vector<std::pair<bool, std::size_t>> order_;
};

std::string text_at(const soci::row& row, std::size_t i) { return optional_text(row, i).value_or(""); }
std::optional<long long> optional_integer(const soci::row& row, std::size_t i) {
    if (row.get_indicator(i) == soci::i_null) return std::nullopt;
    return integer_at(row, i);
}

void set_time(Object::Ptr o, const std::string& key, std::optional<long long> at_us) {
    if (at_us) {
        o->set(key, console::format_instant(*at_us));
    } else {
        o->set(key, Poco::Dynamic::Var());
    }
}

// One row of the integration log, with its place in the order (newest first; at one instant the
// outbound rows before the inbound ones, then by id, descending).
struct LogRow {
    std::int64_t at_us = 0;
    bool outbound = false;
    std::string id;  // signal id, or delivery id
    long long attempt = 0;
    Object::Ptr item;

    [[nodiscard]] std::string cursor_id() const {
        return outbound ? "o_" + id + "#" + std::to_string(attempt) : "i_" + id;
    }
    // True when this row comes before `other` in the log's order.
    [[nodiscard]] bool before(const LogRow& other) const {
        if (at_us != other.at_us) return at_us > other.at_us;
        if (outbound != other.outbound) return outbound;
        if (id != other.id) return id > other.id;
        return attempt > other.attempt;
    }
};

// The cursor's row, taken apart: direction, id, attempt.
struct CursorPlace {
    std::int64_t at_us = 0;
    bool outbound = false;
    std::string id;
    long long attempt = 0;
};

std::optional<CursorPlace> place_of(const console::Cursor& cursor) {
    CursorPlace place;
    place.at_us = cursor.at_us;
    if (cursor.id.starts_with("i_")) {
        place.id = cursor.id.substr(2);
    } else if (cursor.id.starts_with("o_")) {
        place.outbound = true;
        const auto hash = cursor.id.find('#');
        if (hash == std::string::npos) return std::nullopt;
        place.id = cursor.id.substr(2, hash - 2);
        const std::string number = cursor.id.substr(hash + 1);
        if (number.empty() || number.size() > 9) return std::nullopt;
        for (char c : number) {
            if (c < '0' || c > '9') return std::nullopt;
        }
        place.attempt = std::stoll(number);
    } else {
        return std::nullopt;
    }
    if (place.id.empty() || place.id.find('#') != std::string::npos) return std::nullopt;
    return place;
}

std::vector<LogRow> inbound_rows(soci::session& sql, const MessageFilter& f, const std::optional<CursorPlace>& after,
                                 int limit) {
    Select q(
        "SELECT signal_id, source_id, type, received_at_us, correlation_id, planned_at_us, plan_parked_at_us "
        "FROM signals");
    if (!f.party.empty()) q.where("source_id = " + q.text(f.party));
    if (!f.type.empty()) q.where("type = " + q.text(f.type));
    if (!f.correlation_id.empty()) q.where("correlation_id = " + q.text(f.correlation_id));
    if (f.from_us) q.where("received_at_us >= " + q.number(*f.from_us));
    if (f.to_us) q.where("received_at_us < " + q.number(*f.to_us));
    if (f.status == "received") q.where("planned_at_us IS NULL AND plan_parked_at_us IS NULL");
    if (f.status == "planned") q.where("planned_at_us IS NOT NULL");
    if (f.status == "parked") q.where("plan_parked_at_us IS NOT NULL");
    if (after) {
        if (after->outbound) {
            q.where("received_at_us <= " + q.number(after->at_us));
        } else {
            // A row-value comparison: the index on (received_at_us, signal_id) serves it as a range
            // condition (an OR of the two would be a filter over every newer row).
            const std::string at = q.number(after->at_us);
            const std::string id = q.text(after->id);
            q.where("(received_at_us, signal_id) < (" + at + ", " + id + ")");
        }
    }
    q.tail(" ORDER BY received_at_us DESC, signal_id DESC LIMIT " + std::to_string(limit));
    std::vector<LogRow> rows;
    q.each(sql, [&](const soci::row& row) {
        LogRow r;
        r.id = row.get<std::string>(0);
        r.at_us = integer_at(row, 3);
        const bool parked = row.get_indicator(6) != soci::i_null;
        const bool planned = row.get_indicator(5) != soci::i_null;
        r.item = object();
        r.item->set("id", r.id);
        r.item->set("direction", "in");
        r.item->set("at", console::format_instant(r.at_us));
        r.item->set("party", row.get<std::string>(1));
        r.item->set("type", row.get<std::string>(2));
        r.item->set("status", parked ? "parked" : planned ? "planned" : "received");
        r.item->set("latency_ms", Poco::Dynamic::Var());
        r.item->set("correlation_id", row.get<std::string>(4));
        if (parked) {
            r.item->set("error", "parked");
        } else {
            r.item->set("error", Poco::Dynamic::Var());
        }
        rows.push_back(std::move(r));
    });
    return rows;
}

std::vector<LogRow> outbound_rows(soci::session& sql, const MessageFilter& f, const std::optional<CursorPlace>& after,
                                  int limit) {
    Select q(
        "SELECT a.delivery_id, a.attempt, a.started_at_us, a.latency_us, a.status, a.outcome, a.error, "
        "a.correlation_id, d.recipient_id, t.type FROM delivery_attempts a "
        "JOIN deliveries d ON d.delivery_id = a.delivery_id JOIN tasks t ON t.task_id = d.task_id");
    if (!f.party.empty()) q.where("d.recipient_id = " + q.text(f.party));
    if (!f.type.empty()) q.where("t.type = " + q.text(f.type));
    if (!f.correlation_id.empty()) q.where("a.correlation_id = " + q.text(f.correlation_id));
    if (f.from_us) q.where("a.started_at_us >= " + q.number(*f.from_us));
    if (f.to_us) q.where("a.started_at_us < " + q.number(*f.to_us));
    if (!f.status.empty()) q.where("a.outcome = " + q.text(f.status));
    if (after) {
        if (!after->outbound) {
            q.where("a.started_at_us < " + q.number(after->at_us));
        } else {
            const std::string at = q.number(after->at_us);
            const std::string id = q.text(after->id);
            const std::string n = q.number(after->attempt);
            q.where("(a.started_at_us, a.delivery_id, a.attempt) < (" + at + ", " + id + ", " + n + ")");
        }
    }
    q.tail(" ORDER BY a.started_at_us DESC, a.delivery_id DESC, a.attempt DESC LIMIT " + std::to_string(limit));
    std::vector<LogRow> rows;
    q.each(sql, [&](const soci::row& row) {
        LogRow r;
        r.outbound = true;
        r.id = row.get<std::string>(0);
        r.attempt = integer_at(row, 1);
        r.at_us = integer_at(row, 2);
        const long long latency_us = integer_at(row, 3);
        const int status = static_cast<int>(integer_at(row, 4));
        const std::string outcome = row.get<std::string>(5);
        r.item = object();
        r.item->set("id", r.id + "#" + std::to_string(r.attempt));
        r.item->set("direction", "out");
        r.item->set("at", console::format_instant(r.at_us));
        r.item->set("party", row.get<std::string>(8));
        r.item->set("type", row.get<std::string>(9));
        r.item->set("status", outcome);
        r.item->set("latency_ms", static_cast<double>(latency_us) / 1000.0);
        r.item->set("correlation_id", row.get<std::string>(7));
        if (outcome == "delivered") {
            r.item->set("error", Poco::Dynamic::Var());
        } else {
            r.item->set("error",
                        console::delivery_cause(outcome == "dead" ? "dead" : "pending", status, text_at(row, 6)));
        }
        rows.push_back(std::move(r));
    });
    return rows;
}

Array::Ptr attempts_json(soci::session& sql, const std::string& delivery_id) {
    Array::Ptr out = new Array;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT started_at_us, outcome, status, latency_us, error FROM delivery_attempts "
                        "WHERE delivery_id = :d ORDER BY attempt, started_at_us",
         soci::use(delivery_id));
    for (const soci::row& row : rows) {
        Object::Ptr a = object();
        const std::string outcome = row.get<std::string>(1);
        const int status = static_cast<int>(integer_at(row, 2));
        a->set("at", console::format_instant(integer_at(row, 0)));
        a->set("outcome", outcome);
        if (status > 0) {
            a->set("http_status", status);
        } else {
            a->set("http_status", Poco::Dynamic::Var());
        }
        a->set("latency_ms", static_cast<double>(integer_at(row, 3)) / 1000.0);
        if (outcome == "delivered") {
            a->set("error", Poco::Dynamic::Var());
        } else {
            a->set("error", console::delivery_cause(outcome == "dead" ? "dead" : "pending", status, text_at(row, 4)));
        }
        out->add(a);
    }
    return out;
}

// An open delivery of an issue, as the issue views read it.
struct IssueRow {
    std::string delivery_id, recipient, state, cause;
    std::int64_t updated_at_us = 0;
};

std::vector<IssueRow> issue_rows(soci::session& sql, bool open_only, const std::string& recipient) {
    Select q("SELECT delivery_id, recipient_id, state, last_status, last_error, updated_at_us FROM deliveries");
    if (!recipient.empty()) q.where("recipient_id = " + q.text(recipient));
    q.where(open_only ? "(state IN ('dead', 'blocked') OR (state = 'pending' AND last_error IS NOT NULL))"
                      : "(state IN ('dead', 'blocked') OR (state IN ('pending', 'cancelled') AND last_error IS NOT "
                        "NULL))");
    q.tail(" ORDER BY updated_at_us DESC, delivery_id LIMIT " + std::to_string(issue_scan_limit));
    std::vector<IssueRow> rows;
    q.each(sql, [&](const soci::row& row) {
        IssueRow r;
        r.delivery_id = row.get<std::string>(0);
        r.recipient = row.get<std::string>(1);
        r.state = row.get<std::string>(2);
        const int status = static_cast<int>(optional_integer(row, 3).value_or(0));
        r.cause = console::delivery_cause(r.state, status, text_at(row, 4));
        r.updated_at_us = integer_at(row, 5);
        rows.push_back(std::move(r));
    });
    std::reverse(rows.begin(), rows.end());  // oldest first
    return rows;
}

}  // namespace

Object::Ptr ConsoleStore::messages(const MessageFilter& filter) {
    std::optional<CursorPlace> after;
    if (filter.cursor) after = place_of(*filter.cursor);
    const int limit = filter.limit;
    return database_.with_session([&](soci::session& sql) {
        std::vector<LogRow> rows;
        if (filter.direction != "out") rows = inbound_rows(sql, filter, after, limit + 1);
        if (filter.direction != "in") {
            auto out = outbound_rows(sql, filter, after, limit + 1);
            std::move(out.begin(), out.end(), std::back_inserter(rows));
        }
        std::sort(rows.begin(), rows.end(), [](const LogRow& a, const LogRow& b) { return a.before(b); });
        Object::Ptr answer = object();
        Array::Ptr items = new Array;
        const std::size_t shown = std::min(rows.size(), static_cast<std::size_t>(limit));
        for (std::size_t i = 0; i < shown; ++i) items->add(rows[i].item);
        answer->set("items", items);
        if (rows.size() > shown) {
            const LogRow& last = rows[shown - 1];
            answer->set("next_cursor", console::encode_cursor({last.at_us, last.cursor_id()}));
        } else {
            answer->set("next_cursor", Poco::Dynamic::Var());
        }
        return answer;
    });
}

Object::Ptr ConsoleStore::correlation(const std::string& correlation_id) {
    return database_.with_session([&](soci::session& sql) -> Object::Ptr {
        Object::Ptr answer = object();
        answer->set("correlation_id", correlation_id);
        std::string signal_id;
        {
            soci::rowset<soci::row> rows =
                (sql.prepare << "SELECT signal_id, source_id, type, received_at_us, planned_at_us, plan_parked_at_us "
                                "FROM signals WHERE correlation_id = :c ORDER BY received_at_us, signal_id",
                 soci::use(correlation_id));
            for (const soci::row& row : rows) {
                signal_id = row.get<std::string>(0);
                Object::Ptr s = object();
                s->set("id", signal_id);
                s->set("source", row.get<std::string>(1));
                s->set("type", row.get<std::string>(2));
                s->set("received_at", console::format_instant(integer_at(row, 3)));
                s->set("status", row.get_indicator(5) != soci::i_null   ? "parked"
                                 : row.get_indicator(4) != soci::i_null ? "planned"
                                                                        : "received");
                answer->set("signal", s);
                break;
            }
        }
        if (signal_id.empty()) answer->set("signal", Poco::Dynamic::Var());

        // The record it was filed on: the hub's pupil and family ids (the root, after merges).
        answer->set("record", Poco::Dynamic::Var());
        if (!signal_id.empty()) {
            std::string pupil;
            long long linked_at = 0;
            sql << "SELECT pupil_id, linked_at_us FROM signal_links WHERE signal_id = :s", soci::use(signal_id),
                soci::into(pupil), soci::into(linked_at);
            if (sql.got_data()) {
                std::string family;
                for (int hop = 0; hop < 20; ++hop) {
                    std::string merged_into, family_id;
                    soci::indicator merged_ind = soci::i_null, family_ind = soci::i_null;
                    sql << "SELECT merged_into, family_id FROM pupils WHERE pupil_id = :p", soci::use(pupil),
                        soci::into(merged_into, merged_ind), soci::into(family_id, family_ind);
                    if (!sql.got_data()) break;
                    if (family_ind == soci::i_ok) family = family_id;
                    if (merged_ind != soci::i_ok) break;
                    pupil = merged_into;
                }
                Object::Ptr record = object();
                record->set("pupil_id", pupil);
                if (family.empty()) {
                    record->set("family_id", Poco::Dynamic::Var());
                } else {
                    record->set("family_id", family);
                }
                record->set("linked_at", console::format_instant(linked_at));
                answer->set("record", record);
            }
        }

        // The decisions it caused, and the deliveries they made.
        Array::Ptr decisions = new Array;
        std::vector<std::string> decision_deliveries;
        if (!signal_id.empty()) {
            soci::rowset<soci::row> rows =
                (sql.prepare << "SELECT d.decided_at_us, d.kind, d.table_id, p.woongemeente, d.delivery_id "
                                "FROM plan_decisions d LEFT JOIN plans p ON p.family_id = d.family_id "
                                "WHERE d.signal_id = :s AND d.entry = 'decision' ORDER BY d.decided_at_us, d.seq",
                 soci::use(signal_id));
            for (const soci::row& row : rows) {
                Object::Ptr o = object();
                o->set("at", console::format_instant(integer_at(row, 0)));
                o->set("kind", row.get<std::string>(1));
                const auto table = optional_text(row, 2);
                const auto municipality = optional_text(row, 3);
                o->set("table", table ? Poco::Dynamic::Var(*table) : Poco::Dynamic::Var());
                o->set("municipality", municipality ? Poco::Dynamic::Var(*municipality) : Poco::Dynamic::Var());
                decisions->add(o);
                if (const auto delivery = optional_text(row, 4)) decision_deliveries.push_back(*delivery);
            }
        }
        answer->set("decisions", decisions);

        // Its tasks: those carrying the correlation id, and those of the decisions' deliveries.
        std::vector<std::string> task_ids;
        std::set<std::string> seen;
        {
            soci::rowset<std::string> rows =
                (sql.prepare << "SELECT task_id FROM tasks WHERE correlation_id = :c ORDER BY created_at_us, task_id",
                 soci::use(correlation_id));
            for (const std::string& t : rows) {
                if (seen.insert(t).second) task_ids.push_back(t);
            }
        }
        for (const std::string& delivery : decision_deliveries) {
            std::string task;
            sql << "SELECT task_id FROM deliveries WHERE delivery_id = :d", soci::use(delivery), soci::into(task);
            if (sql.got_data() && seen.insert(task).second) task_ids.push_back(task);
        }
        Array::Ptr tasks = new Array;
        for (const std::string& task_id : task_ids) {
            std::string recipient, type;
            long long created = 0;
            sql << "SELECT recipient_id, type, created_at_us FROM tasks WHERE task_id = :t", soci::use(task_id),
                soci::into(recipient), soci::into(type), soci::into(created);
            if (!sql.got_data()) continue;
            Object::Ptr t = object();
            t->set("task_id", task_id);
            t->set("recipient", recipient);
            t->set("type", type);
            t->set("created_at", console::format_instant(created));
            Array::Ptr deliveries = new Array;
            std::vector<std::pair<std::string, std::string>> found;
            {
                soci::rowset<soci::row> rows =
                    (sql.prepare << "SELECT delivery_id, state FROM deliveries WHERE task_id = :t "
                                    "ORDER BY created_at_us, delivery_id",
                     soci::use(task_id));
                for (const soci::row& row : rows) found.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
            }
            for (const auto& [delivery_id, state] : found) {
                Object::Ptr d = object();
                d->set("delivery_id", delivery_id);
                d->set("state", state);
                d->set("attempts", attempts_json(sql, delivery_id));
                deliveries->add(d);
            }
            t->set("deliveries", deliveries);
            tasks->add(t);
        }
        answer->set("tasks", tasks);
        if (signal_id.empty() && task_ids.empty()) return nullptr;
        return answer;
    });
}

Object::Ptr ConsoleStore::delivery_issues(bool open_only) {
    const auto rows = database_.with_session([&](soci::session& sql) { return issue_rows(sql, open_only, ""); });
    struct Group {
        std::string recipient, cause, state;
        long long count = 0;
        std::int64_t first = 0, last = 0;
        std::vector<std::string> ids;
    };
    std::map<std::tuple<std::string, std::string, std::string>, Group> groups;
    for (const IssueRow& r : rows) {
        const std::string state = r.state == "cancelled" ? "cancelled" : "open";
        Group& g = groups[{r.recipient, r.cause, state}];
        if (g.count == 0) {
            g.recipient = r.recipient;
            g.cause = r.cause;
            g.state = state;
            g.first = r.updated_at_us;
        }
        ++g.count;
        g.first = std::min(g.first, r.updated_at_us);
        g.last = std::max(g.last, r.updated_at_us);
        if (g.ids.size() < 20) g.ids.push_back(r.delivery_id);
    }
    std::vector<const Group*> ordered;
    for (const auto& [key, g] : groups) ordered.push_back(&g);
    std::stable_sort(ordered.begin(), ordered.end(), [](const Group* a, const Group* b) {
        if ((a->state == "open") != (b->state == "open")) return a->state == "open";
        return a->last > b->last;
    });
    Array::Ptr items = new Array;
    for (const Group* g : ordered) {
        Object::Ptr o = object();
        o->set("issue_id", issue_id({g->recipient, g->cause}));
        o->set("recipient", g->recipient);
        o->set("cause", g->cause);
        o->set("count", g->count);
        o->set("first_at", console::format_instant(g->first));
        o->set("last_at", console::format_instant(g->last));
        o->set("state", g->state);
        Array::Ptr ids = new Array;
        for (const std::string& id : g->ids) ids->add(id);
        o->set("delivery_ids", ids);
        items->add(o);
    }
    Object::Ptr answer = object();
    answer->set("items", items);
    answer->set("truncated", rows.size() >= static_cast<std::size_t>(issue_scan_limit));
    return answer;
}

std::optional<std::vector<std::string>> ConsoleStore::issue_deliveries(const std::string& id) {
    const auto key = parse_issue_id(id);
    if (!key) return std::nullopt;
    const auto rows = database_.with_session([&](soci::session& sql) { return issue_rows(sql, true, key->recipient); });
    std::vector<std::string> ids;
    for (const IssueRow& r : rows) {
        if (r.recipient == key->recipient && r.cause == key->cause) ids.push_back(r.delivery_id);
    }
    return ids;
}

Object::Ptr ConsoleStore::health(std::int64_t now_us, const std::map<std::string, std::string>& circuits) {
    const long long since = now_us - day_us;
    return database_.with_session([&](soci::session& sql) {
        Object::Ptr answer = object();
        Array::Ptr sources = new Array;
        for (const SourceConfig& source : config_.sources) {
            long long last = 0, received = 0, parked = 0, failed = 0;
            soci::indicator last_ind = soci::i_null;
            sql << "SELECT MAX(received_at_us) FROM signals WHERE source_id = :s", soci::use(source.id),
                soci::into(last, last_ind);
            sql << "SELECT COUNT(*) FROM signals WHERE source_id = :s AND received_at_us >= :t", soci::use(source.id),
                soci::use(since), soci::into(received);
            sql << "SELECT COUNT(*) FROM signals WHERE source_id = :s AND received_at_us >= :t AND "
                   "plan_parked_at_us IS NOT NULL",
                soci::use(source.id), soci::use(since), soci::into(parked);
            sql << "SELECT COUNT(*) FROM inbound_notifications WHERE source_id = :s AND state = 'failed' AND "
                   "updated_at_us >= :t",
                soci::use(source.id), soci::use(since), soci::into(failed);
            Object::Ptr o = object();
            o->set("id", source.id);
            set_time(o, "last_success_at",
                     last_ind == soci::i_ok ? std::optional<long long>(last) : std::optional<long long>());
            o->set("received_24h", received);
            o->set("errors_24h", parked + failed);
            sources->add(o);
        }
        answer->set("sources", sources);

        std::map<std::string, std::pair<long long, long long>> counts;  // attempts, failures
        {
            soci::rowset<soci::row> rows =
                (sql.prepare << "SELECT d.recipient_id, COUNT(*), SUM(CASE WHEN a.outcome = 'delivered' THEN 0 "
                                "ELSE 1 END) FROM delivery_attempts a JOIN deliveries d ON d.delivery_id = "
                                "a.delivery_id WHERE a.started_at_us >= :t GROUP BY d.recipient_id",
                 soci::use(since));
            for (const soci::row& row : rows) {
                counts[row.get<std::string>(0)] = {integer_at(row, 1), optional_integer(row, 2).value_or(0)};
            }
        }
        Array::Ptr recipients = new Array;
        for (const RecipientConfig& recipient : config_.recipients) {
            long long last = 0;
            soci::indicator last_ind = soci::i_null;
            sql << "SELECT MAX(updated_at_us) FROM deliveries WHERE recipient_id = :r AND state = 'delivered'",
                soci::use(recipient.id), soci::into(last, last_ind);
            Object::Ptr o = object();
            o->set("id", recipient.id);
            set_time(o, "last_success_at",
                     last_ind == soci::i_ok ? std::optional<long long>(last) : std::optional<long long>());
            const auto c = counts.find(recipient.id);
            o->set("attempts_24h", c == counts.end() ? 0LL : c->second.first);
            o->set("failures_24h", c == counts.end() ? 0LL : c->second.second);
            const auto circuit = circuits.find(recipient.id);
            o->set("circuit", circuit == circuits.end() ? std::string("closed") : circuit->second);
            recipients->add(o);
        }
        answer->set("recipients", recipients);
        return answer;
    });
}

namespace {

// A count as the dashboard shows it: the number, or null with "suppressed": true.
void set_count(Object::Ptr o, const std::string& key, const console::Cell& cell) {
    if (cell.suppressed) {
        o->set(key, Poco::Dynamic::Var());
        o->set("suppressed", true);
    } else {
        o->set(key, cell.count);
    }
}

}  // namespace

Object::Ptr ConsoleStore::dashboard(std::int64_t from_us, std::int64_t to_us) {
    const long long from = from_us;
    const long long to = to_us;
    return database_.with_session([&](soci::session& sql) {
        Object::Ptr answer = object();
        answer->set("from", console::format_instant(from_us));
        answer->set("to", console::format_instant(to_us));
        answer->set("smallest_shown", console::smallest_shown);

        // Signals per hour by source. Each source's hours form one group: a source's total over a
        // day is shown elsewhere (GET /v1/console/health), so its hours are protected together.
        {
            std::map<std::string, std::vector<std::pair<long long, console::Cell>>> by_source;
            soci::rowset<soci::row> rows =
                (sql.prepare << "SELECT source_id, received_at_us / 3600000000, COUNT(*) FROM signals WHERE "
                                "received_at_us >= :f AND received_at_us < :t GROUP BY source_id, "
                                "received_at_us / 3600000000",
                 soci::use(from), soci::use(to));
            for (const soci::row& row : rows) {
                by_source[row.get<std::string>(0)].push_back({integer_at(row, 1), {integer_at(row, 2)}});
            }
            Array::Ptr list = new Array;
            for (auto& [source, hours] : by_source) {
                std::sort(hours.begin(), hours.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
                std::vector<console::Cell> cells;
                for (const auto& h : hours) cells.push_back(h.second);
                console::suppress_group(cells);
                for (std::size_t i = 0; i < hours.size(); ++i) {
                    Object::Ptr o = object();
                    o->set("hour", console::format_instant(hours[i].first * hour_us));
                    o->set("source", source);
                    set_count(o, "count", cells[i]);
                    list->add(o);
                }
            }
            answer->set("signals_per_hour", list);
        }

        // Delivery success and latency: the failures are the attempts less the successes, so they
        // form one group with the successes and the attempts as its total.
        {
            long long attempts = 0, succeeded = 0;
            soci::indicator ind = soci::i_null;
            sql << "SELECT COUNT(*), SUM(CASE WHEN outcome = 'delivered' THEN 1 ELSE 0 END) FROM delivery_attempts "
                   "WHERE started_at_us >= :f AND started_at_us < :t",
                soci::use(from), soci::use(to), soci::into(attempts), soci::into(succeeded, ind);
            if (ind != soci::i_ok) succeeded = 0;
            std::vector<console::Cell> cells{{succeeded}, {attempts - succeeded, true}};
            const bool total_hidden = console::suppress_group(cells);
            std::vector<double> latencies;
            if (!cells[0].suppressed) {
                soci::rowset<soci::row> rows =
                    (sql.prepare << "SELECT latency_us FROM delivery_attempts WHERE started_at_us >= :f AND "
                                    "started_at_us < :t AND outcome = 'delivered'",
                     soci::use(from), soci::use(to));
                for (const soci::row& row : rows) latencies.push_back(static_cast<double>(integer_at(row, 0)) / 1000.0);
            }
            Object::Ptr d = object();
            set_count(d, "attempts", {attempts, false, total_hidden});
            set_count(d, "succeeded", cells[0]);
            const auto p50 = console::percentile(latencies, 50);
            const auto p95 = console::percentile(latencies, 95);
            d->set("p50_ms", p50 ? Poco::Dynamic::Var(*p50) : Poco::Dynamic::Var());
            d->set("p95_ms", p95 ? Poco::Dynamic::Var(*p95) : Poco::Dynamic::Var());
            answer->set("deliveries", d);
        }

        // Open escalations per table and municipality, and the grensverkeer: both count the
        // escalated plans per woongemeente, so each woongemeente's cells form one group in each.
        {
            std::map<std::string, std::vector<std::pair<std::string, console::Cell>>> by_municipality;
            soci::rowset<soci::row> rows =
                (sql.prepare << "SELECT COALESCE(table_id, 'mdo'), COALESCE(woongemeente, '?'), COUNT(*) FROM plans "
                                "WHERE escalated_since IS NOT NULL GROUP BY COALESCE(table_id, 'mdo'), "
                                "COALESCE(woongemeente, '?')");
            for (const soci::row& row : rows) {
                by_municipality[row.get<std::string>(1)].push_back({row.get<std::string>(0), {integer_at(row, 2)}});
            }
            Array::Ptr list = new Array;
            for (auto& [municipality, tables] : by_municipality) {
                std::vector<console::Cell> cells;
                for (const auto& t : tables) cells.push_back(t.second);
                console::suppress_group(cells);
                for (std::size_t i = 0; i < tables.size(); ++i) {
                    Object::Ptr o = object();
                    o->set("table", tables[i].first);
                    o->set("municipality", municipality);
                    set_count(o, "count", cells[i]);
                    list->add(o);
                }
            }
            answer->set("open_escalations", list);
        }

        // Time from the first date of worrying absence to the plan of approach (the escalation's
        // start: the MDO and the continuity task), for escalations that started in the range.
        {
            const std::string from_day = routeboek::format_day(
                routeboek::dutch_day(std::chrono::sys_seconds(std::chrono::seconds(from_us / 1'000'000))));
            const std::string to_day = routeboek::format_day(
                routeboek::dutch_day(std::chrono::sys_seconds(std::chrono::seconds(to_us / 1'000'000))));
            std::vector<double> days;
            soci::rowset<soci::row> rows =
                (sql.prepare << "SELECT escalated_since, first_worrying FROM plans WHERE escalated_since >= :f AND "
                                "escalated_since <= :t AND first_worrying IS NOT NULL",
                 soci::use(from_day), soci::use(to_day));
            for (const soci::row& row : rows) {
                const auto since = routeboek::parse_day(row.get<std::string>(0));
                const auto first = routeboek::parse_day(row.get<std::string>(1));
                if (since && first) days.push_back(static_cast<double>((*since - *first).count()));
            }
            Object::Ptr t = object();
            const auto n = static_cast<long long>(days.size());
            if (console::small(n)) {
                t->set("n", Poco::Dynamic::Var());
                t->set("p50", Poco::Dynamic::Var());
                t->set("p90", Poco::Dynamic::Var());
                t->set("suppressed", true);
            } else {
                t->set("n", n);
                t->set("p50", *console::percentile(days, 50));
                t->set("p90", *console::percentile(days, 90));
            }
            answer->set("time_to_plan_days", t);
        }

        // Grensverkeer: pupils in plans and escalations by woongemeente x schoolgemeente.
        {
            std::map<std::string, std::map<std::string, std::pair<long long, long long>>> matrix;
            soci::rowset<soci::row> rows =
                (sql.prepare << "SELECT woongemeente, school_gemeenten, escalated_schoolgemeente FROM plans "
                                "WHERE school_gemeenten IS NOT NULL");
            for (const soci::row& row : rows) {
                const std::string woon = optional_text(row, 0).value_or("?");
                const std::string schools = text_at(row, 1);
                std::size_t at = 0;
                while (at <= schools.size()) {
                    const std::size_t end = std::min(schools.find(',', at), schools.size());
                    const std::string school = schools.substr(at, end - at);
                    ++matrix[woon][school.empty() ? "?" : school].first;
                    at = end + 1;
                }
                if (const auto escalated = optional_text(row, 2)) ++matrix[woon][*escalated].second;
            }
            Array::Ptr list = new Array;
            for (auto& [woon, row] : matrix) {
                std::vector<console::Cell> pupils, escalations;
                for (const auto& [school, c] : row) {
                    pupils.push_back({c.first});
                    escalations.push_back({c.second});
                }
                console::suppress_group(pupils);
                console::suppress_group(escalations);
                std::size_t i = 0;
                for (const auto& [school, c] : row) {
                    Object::Ptr o = object();
                    o->set("woongemeente", woon);
                    o->set("schoolgemeente", school);
                    set_count(o, "pupils", pupils[i]);
                    set_count(o, "escalations", escalations[i]);
                    list->add(o);
                    ++i;
                }
            }
            answer->set("grensverkeer", list);
        }
        return answer;
    });
}

}  // namespace eenplan::service

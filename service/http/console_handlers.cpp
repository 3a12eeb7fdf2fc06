#include "http/console_handlers.hpp"

#include <map>

#include <Poco/JSON/Array.h>
#include <Poco/Message.h>

#include "common/log_event.hpp"
#include "eenplan/core/console/aggregates.hpp"
#include "http/problem.hpp"
#include "outbox/delivery_services.hpp"

namespace eenplan::service {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Status = Poco::Net::HTTPResponse::HTTPStatus;

constexpr std::int64_t day_us = 86'400'000'000LL;
constexpr std::size_t max_filter_text = 200;

// A filter value: printable ASCII without spaces, at most max_filter_text characters (ids, types,
// codes); a problem for anything else, without echoing the value.
bool filter_text(const Query& query, const char* name, std::string& out, Problems& problems) {
    out = query.value(name, "");
    bool ok = out.size() <= max_filter_text;
    for (char c : out) ok = ok && c > 0x20 && c < 0x7f;
    if (!ok) problems.push_back({std::string("/") + name, "must be an id or code: up to 200 visible ASCII characters"});
    return ok;
}

std::optional<std::int64_t> instant(const Query& query, const char* name, Problems& problems) {
    const std::string text = query.value(name, "");
    if (text.empty()) return std::nullopt;
    const auto at = console::parse_instant(text);
    if (!at) problems.push_back({std::string("/") + name, "must be an RFC 3339 date-time or date"});
    return at;
}

DeliveryServices& services(ServiceContext& context) {
    if (context.delivery == nullptr) throw std::logic_error("delivery services are not wired");
    return *context.delivery;
}

const char* circuit_word(delivery::BreakerState state) {
    switch (state) {
        case delivery::BreakerState::closed: return "closed";
        case delivery::BreakerState::open: return "open";
        case delivery::BreakerState::half_open: return "half_open";
    }
    return "closed";
}

}  // namespace

Result<MessageFilter> parse_message_filter(const Query& query) {
    MessageFilter f;
    Problems problems;
    static const char* const known[] = {"direction", "party",          "type",   "status", "from",
                                        "to",        "correlation_id", "cursor", "limit"};
    for (const auto& [key, value] : query.parameters()) {
        bool found = false;
        for (const char* k : known) found = found || key == k;
        if (!found) problems.push_back({"/" + (key.size() <= 40 ? key : key.substr(0, 40)), "unknown parameter"});
    }
    f.direction = query.value("direction", "");
    if (!f.direction.empty() && f.direction != "in" && f.direction != "out")
        problems.push_back({"/direction", "must be in or out"});
    filter_text(query, "party", f.party, problems);
    filter_text(query, "type", f.type, problems);
    filter_text(query, "correlation_id", f.correlation_id, problems);
    f.status = query.value("status", "");
    if (!f.status.empty()) {
        const bool in = f.status == "received" || f.status == "planned" || f.status == "parked";
        const bool out = f.status == "delivered" || f.status == "retry" || f.status == "dead";
        if (!in && !out) {
            problems.push_back({"/status", "must be received, planned, parked (in) or delivered, retry, dead (out)"});
        } else if (f.direction.empty()) {
            f.direction = in ? "in" : "out";  // a status belongs to one direction
        } else if ((f.direction == "in") != in) {
            problems.push_back({"/status", "does not belong to this direction"});
        }
    }
    f.from_us = instant(query, "from", problems);
    f.to_us = instant(query, "to", problems);
    if (f.from_us && f.to_us && *f.from_us > *f.to_us) problems.push_back({"/to", "must not be before from"});
    const std::string cursor = query.value("cursor", "");
    if (!cursor.empty()) {
        f.cursor = console::decode_cursor(cursor);
        if (!f.cursor || !(f.cursor->id.starts_with("i_") || f.cursor->id.starts_with("o_")))
            problems.push_back({"/cursor", "is not a cursor this log gave out"});
    }
    const auto limit = whole_number(query.value("limit", "50"), 1, 500);
    if (!limit) {
        problems.push_back({"/limit", "must be 1 to 500"});
    } else {
        f.limit = static_cast<int>(*limit);
    }
    if (!problems.empty()) return problems;
    return f;
}

Result<std::pair<std::int64_t, std::int64_t>> parse_dashboard_range(const Query& query, std::int64_t now_us) {
    Problems problems;
    for (const auto& [key, value] : query.parameters()) {
        if (key != "from" && key != "to")
            problems.push_back({"/" + (key.size() <= 40 ? key : key.substr(0, 40)), "unknown parameter"});
    }
    const auto from = instant(query, "from", problems);
    const auto to = instant(query, "to", problems);
    if (!problems.empty()) return problems;
    const std::int64_t end = to.value_or(now_us + 1);  // [from, to): what arrived at this very instant counts
    const std::int64_t start = from.value_or(end - day_us);
    if (start >= end) return Problem{"/to", "must be after from"};
    if (end - start > 31 * day_us) return Problem{"/from", "the range may be at most 31 days"};
    return std::pair{start, end};
}

void ConsoleHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    if (context_.console_api == nullptr) throw std::logic_error("the console API is not wired");
    ConsoleApi& console = *context_.console_api;
    if (action_ == Action::retry_issue || action_ == Action::cancel_issue) return issue_action(request, response);
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    switch (action_) {
        case Action::messages: {
            const auto filter = parse_message_filter(query.value());
            if (!filter)
                return send_problem(response, ProblemType::invalid_query, "the query cannot be used",
                                    filter.problems());
            return send_json(response, console.messages(filter.value()));
        }
        case Action::correlation: {
            const auto path = console.correlation(id_);
            if (!path) return send_not_found(response, "nothing carries this correlation id");
            return send_json(response, path);
        }
        case Action::issues: {
            const std::string state = query->value("state", "open");
            if (state != "open" && state != "all") {
                return send_problem(response, ProblemType::invalid_query, "unknown issue state",
                                    {Problem{"/state", "must be open or all"}});
            }
            return send_json(response, console.delivery_issues(state == "open"));
        }
        case Action::health: {
            std::map<std::string, std::string> circuits;
            if (context_.delivery != nullptr) {
                for (const auto& [id, state] : context_.delivery->dispatcher.circuits(context_.clock->now_us()))
                    circuits.emplace(id, circuit_word(state));
            }
            auto answer = console.health(context_.clock->now_us(), circuits);
            // The breakers live in each instance's memory (outbox/dispatcher.hpp).
            answer->set("circuit_view", "this_instance");
            return send_json(response, answer);
        }
        case Action::dashboard: {
            const auto range = parse_dashboard_range(query.value(), context_.clock->now_us());
            if (!range)
                return send_problem(response, ProblemType::invalid_query, "the range cannot be used", range.problems());
            return send_json(response, console.dashboard(range->first, range->second));
        }
        default: break;
    }
}

void ConsoleHandler::issue_action(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const bool retry = action_ == Action::retry_issue;
    Object::Ptr body;
    if (retry || request.getContentLength() > 0 || request.getChunkedTransferEncoding()) {
        body = read_body(request, response, "api/console_issue_action.schema.json");
        if (!body) return;
    }
    const bool preview = body && body->optValue<bool>("preview", false);
    const bool has_expected = body && body->has("expected_count");
    if (retry && !preview && !has_expected) {
        return send_problem(response, {Status::HTTP_UNPROCESSABLE_ENTITY,
                                       "invalid-request",
                                       "The request is not valid",
                                       "a retry runs with the count its preview showed",
                                       {Problem{"/expected_count", "is required unless preview is true"}}});
    }
    const auto ids = context_.console_api->issue_deliveries(id_);
    if (!ids) return send_not_found(response, "no delivery issue with this id");
    Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (preview) {
        Array::Ptr list = new Array;
        for (const std::string& id : *ids) list->add(id);
        out->set("count", static_cast<Poco::Int64>(ids->size()));
        out->set("delivery_ids", list);
        return send_json(response, out);
    }
    if (has_expected && body->getValue<Poco::Int64>("expected_count") != static_cast<Poco::Int64>(ids->size())) {
        return send_problem(response,
                            {Status::HTTP_CONFLICT,
                             "issue-changed",
                             "The issue changed since the preview",
                             "the issue now holds " + std::to_string(ids->size()) + " deliveries; preview again",
                             {}});
    }
    // Each delivery the way a single retry or cancel goes (POST /v1/deliveries/{id}/retry): a
    // retried one passes the sharing policy again right before it is sent (outbox/dispatcher.hpp).
    DeliveryServices& delivery = services(context_);
    const std::int64_t now = context_.clock->now_us();
    long long done = 0;
    for (const std::string& id : *ids) {
        const ChangeOutcome outcome =
            retry ? delivery.store.retry(id, now, actor_.subject) : delivery.store.cancel(id, now, actor_.subject);
        if (outcome != ChangeOutcome::done) continue;  // delivered or gone meanwhile
        ++done;
        note_object(id);  // the audit trail names every delivery the action changed
    }
    if (retry && done > 0) delivery.dispatcher.wake();
    log_event(context_.logger, Poco::Message::PRIO_NOTICE, "delivery",
              retry ? "delivery.issue_retry_requested" : "delivery.issue_cancelled",
              retry ? "deliveries of an issue retried" : "deliveries of an issue cancelled",
              {{"count", std::to_string(done)}});
    out->set(retry ? "retried" : "cancelled", done);
    send_json(response, out);
}

}  // namespace eenplan::service

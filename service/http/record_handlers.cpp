#include "http/record_handlers.hpp"
#include "common/log_event.hpp"

#include <sstream>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Message.h>
#include "http/query.hpp"

#include "eenplan/core/date_time.hpp"
#include "eenplan/core/json_bounds.hpp"
#include "http/problem.hpp"
#include "http/request_body.hpp"
#include "http/response.hpp"
#include "validation/json_schema.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

constexpr std::size_t max_admin_body = 64 * 1024;

void send_outcome_problem(Poco::Net::HTTPServerResponse& response, const AdminOutcome& outcome) {
    if (outcome.status == AdminStatus::not_found) return send_not_found(response, outcome.detail);
    send_problem(response, {Status::HTTP_CONFLICT, "record-conflict", "The records do not allow this", outcome.detail,
                            outcome.problems});
}

void log_change(ServiceContext& context, const char* event, const AdminOutcome& outcome) {
    LogFields fields;
    if (!outcome.merge_id.empty()) fields.emplace_back("merge_id", outcome.merge_id);
    if (!outcome.pupil_id.empty()) fields.emplace_back("pupil_id", outcome.pupil_id);
    log_event(context.logger, Poco::Message::PRIO_NOTICE, "record", event, event, fields);
}

Poco::JSON::Object::Ptr outcome_body(const AdminOutcome& outcome) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (!outcome.merge_id.empty()) body->set("merge_id", outcome.merge_id);
    body->set("pupil_id", outcome.pupil_id);
    return body;
}

Actor actor_of(const ServiceContext& context, const AdminIdentity& identity) {
    return {identity.subject, context.clock->now_us()};
}

}  // namespace

void AdminHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    // The route handler authenticated the token for the route's access level before this runs.
    actor_ = admin();
    serve(request, response);
}

Poco::JSON::Object::Ptr AdminHandler::read_body(Poco::Net::HTTPServerRequest& request,
                                                Poco::Net::HTTPServerResponse& response, const char* schema) {
    const std::optional<std::string> body = service::read_body(request, max_admin_body);
    if (!body) {
        response.setKeepAlive(false);
        send_problem(response, {Status::HTTP_REQUEST_ENTITY_TOO_LARGE,
                                "body-too-large",
                                "The body is too large",
                                "a request may be at most 65536 bytes",
                                {}});
        return nullptr;
    }
    if (const auto exceeded = json_bounds::check(*body)) {
        send_problem(response, {Status::HTTP_BAD_REQUEST, "malformed-json", "Malformed JSON", *exceeded, {}});
        return nullptr;
    }
    Poco::Dynamic::Var document;
    try {
        document = Poco::JSON::Parser().parse(*body);
    } catch (const Poco::Exception&) {
        send_problem(response,
                     {Status::HTTP_BAD_REQUEST, "malformed-json", "Malformed JSON", "the body is not valid JSON", {}});
        return nullptr;
    }
    Problems problems = JsonSchema::embedded(schema).validate(document);
    for (Problem& p : problems) {
        // The validator places a missing property at its parent; point at the property itself.
        constexpr std::string_view prefix = "Missing required property '";
        constexpr std::string_view suffix = "'.";
        const std::string_view detail = p.detail;
        if (detail.size() > prefix.size() + suffix.size() && detail.starts_with(prefix) && detail.ends_with(suffix)) {
            p.pointer += "/" + std::string(detail.substr(prefix.size(), detail.size() - prefix.size() - suffix.size()));
            p.detail = "is required";
        }
    }
    if (!problems.empty()) {
        send_problem(response, {Status::HTTP_UNPROCESSABLE_ENTITY, "invalid-request", "The request is not valid",
                                "the body does not match its schema", std::move(problems)});
        return nullptr;
    }
    return document.extract<Poco::JSON::Object::Ptr>();
}

void AdminHandler::send_json(Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object::Ptr& body,
                             Poco::Net::HTTPResponse::HTTPStatus status) {
    response.setStatusAndReason(status);
    response.set("Cache-Control", "no-store");
    std::ostringstream text;
    body->stringify(text);
    send_body(response, "application/json", text.str());
}

void PupilHandler::serve(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    const auto record = context_.views.pupil(id_);
    if (!record) return send_not_found(response, "no pupil with this id");
    send_json(response, record);
}

void PupilMergeHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "api/merge_request.schema.json");
    if (!body) return;
    note_object(body->getValue<std::string>("with"));
    const auto outcome = context_.records.merge(id_, body->getValue<std::string>("with"),
                                                body->getValue<std::string>("reason"), actor_of(context_, actor_));
    if (outcome.status != AdminStatus::done) return send_outcome_problem(response, outcome);
    note_object(outcome.merge_id);
    log_change(context_, "record.merged", outcome);
    send_json(response, outcome_body(outcome), Status::HTTP_CREATED);
}

void MergeUndoHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "api/undo_request.schema.json");
    if (!body) return;
    const auto outcome =
        context_.records.undo_merge(id_, body->getValue<std::string>("reason"), actor_of(context_, actor_));
    if (outcome.status != AdminStatus::done) return send_outcome_problem(response, outcome);
    log_change(context_, "record.unmerged", outcome);
    send_json(response, outcome_body(outcome));
}

void FamilyHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    // The Dutch date: just after midnight in Amsterdam it is already tomorrow, whatever UTC says.
    const std::string today = routeboek::format_day(context_.clock->today());
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    const std::string on = query->value("on", today);
    if (!date_time::parse_full_date(on)) {
        return send_problem(response, {Status::HTTP_BAD_REQUEST,
                                       "invalid-query",
                                       "The query is not valid",
                                       "the query parameter on must be a date",
                                       {Problem{"/on", "must be YYYY-MM-DD"}}});
    }
    const auto record = context_.views.family(id_, on);
    if (!record) return send_not_found(response, "no family with this id");
    send_json(response, record);
}

void LinkReviewsHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_query(request.getURI());
    if (!query) return send_problem(response, ProblemType::invalid_query, "the query cannot be read", query.problems());
    const std::string status = query->value("status", "open");
    if (status != "open" && status != "matched" && status != "rejected" && status != "all") {
        return send_problem(response, {Status::HTTP_BAD_REQUEST,
                                       "invalid-query",
                                       "The query is not valid",
                                       "unknown review status",
                                       {Problem{"/status", "must be open, matched, rejected or all"}}});
    }
    send_json(response, context_.views.reviews(status));
}

void LinkReviewDecisionHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto body = read_body(request, response, "api/review_decision.schema.json");
    if (!body) return;
    const auto outcome =
        context_.records.decide_review(id_, body->getValue<std::string>("decision"),
                                       body->getValue<std::string>("reason"), actor_of(context_, actor_));
    if (outcome.status != AdminStatus::done) return send_outcome_problem(response, outcome);
    log_change(context_, "record.review_decided", outcome);
    send_json(response, outcome_body(outcome));
}

}  // namespace eenplan::service

#include "http/retention_handlers.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "http/problem.hpp"
#include "http/query.hpp"
#include "retention/retention.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;
using Object = Poco::JSON::Object;

std::string rfc3339(std::int64_t us) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(us), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

Object::Ptr counts_object(const std::map<std::string, long long>& counts) {
    Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [kind, n] : counts) out->set(kind, static_cast<Poco::Int64>(n));
    return out;
}

Object::Ptr run_json(const RetentionRun& run) {
    Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("run_id", run.run_id);
    out->set("started_at", rfc3339(run.started_at_us));
    out->set("dry_run", run.dry_run);
    out->set("requested_by", run.requested_by);
    out->set("counts", counts_object(run.counts));
    Poco::JSON::Parser parser;
    out->set("terms", parser.parse(run.terms));
    out->set("ids_digest", run.ids_digest);
    Object::Ptr anchor = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    anchor->set("sequence", static_cast<Poco::Int64>(run.audit_sequence));
    anchor->set("hash", run.audit_hash);
    out->set("audit_head", anchor);
    out->set("proof", run.proof);
    return out;
}

Object::Ptr erasure_json(const Erasure& e) {
    Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("erasure_id", e.erasure_id);
    out->set("family_id", e.family_id);
    out->set("reason_code", e.reason_code);
    out->set("requested_by", e.requested_by);
    out->set("erased_at", rfc3339(e.erased_at_us));
    out->set("counts", counts_object(e.counts));
    out->set("ids_digest", e.ids_digest);
    out->set("proof", e.proof);
    return out;
}

// ?limit=1..1000 (default 100), nothing else.
std::optional<int> list_limit(const std::string& uri, Poco::Net::HTTPServerResponse& response) {
    const auto query = parse_query(uri);
    int limit = 100;
    Problems problems;
    if (query) {
        for (const auto& [key, value] : query->parameters()) {
            const auto n = key == "limit" ? whole_number(value, 1, 1000) : std::nullopt;
            if (n)
                limit = static_cast<int>(*n);
            else
                problems.push_back(
                    {"/" + (key == "limit" ? key : std::string()), "limit (1 to 1000) is the parameter"});
        }
    }
    if (!query || !problems.empty()) {
        send_problem(response, ProblemType::invalid_query, "the query cannot be read",
                     query ? problems : query.problems());
        return std::nullopt;
    }
    return limit;
}

}  // namespace

void RetentionRunsHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    if (context_.retention == nullptr) return send_not_found(response, "retention is not available");
    if (!create_) {
        const auto limit = list_limit(request.getURI(), response);
        if (!limit) return;
        Poco::JSON::Array::Ptr runs = new Poco::JSON::Array;
        for (const RetentionRun& run : context_.retention->runs(*limit)) runs->add(run_json(run));
        Object::Ptr out = new Object;
        out->set("runs", runs);
        return send_json(response, out);
    }
    const auto body = read_body(request, response, "api/retention_run_request.schema.json");
    if (!body) return;
    const bool dry_run = body->has("dry_run") && body->getValue<bool>("dry_run");
    const RetentionRun run = context_.retention->purge(context_.clock->now_us(), dry_run, actor_.subject, true);
    note_object(run.run_id);
    response.set("Location", "/v1/privacy/retention-runs");
    send_json(response, run_json(run), Status::HTTP_CREATED);
}

void ErasuresHandler::serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    if (context_.retention == nullptr) return send_not_found(response, "retention is not available");
    if (!create_) {
        const auto limit = list_limit(request.getURI(), response);
        if (!limit) return;
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const Erasure& e : context_.retention->erasures(*limit)) list->add(erasure_json(e));
        Object::Ptr out = new Object;
        out->set("erasures", list);
        return send_json(response, out);
    }
    const auto body = read_body(request, response, "api/erasure_request.schema.json");
    if (!body) return;
    const std::string family = body->getValue<std::string>("family_id");
    const std::string reason = body->getValue<std::string>("reason_code");
    const auto [outcome, erasure] =
        context_.retention->erase_family(family, reason, actor_.subject, context_.clock->now_us());
    if (outcome == ErasureOutcome::unknown_family) return send_not_found(response, "no family has this id");
    note_object(family);
    if (outcome == ErasureOutcome::already_erased) {
        return send_problem(response, {Status::HTTP_GONE,
                                       "already-erased",
                                       "The family was erased before",
                                       "GET /v1/privacy/erasures lists its tombstone",
                                       {}});
    }
    note_object(erasure->erasure_id);
    send_json(response, erasure_json(*erasure), Status::HTTP_CREATED);
}

}  // namespace eenplan::service

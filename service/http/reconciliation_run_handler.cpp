#include "http/reconciliation_run_handler.hpp"

#include <charconv>
#include <sstream>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Message.h>
#include <Poco/Timestamp.h>

#include "common/log_event.hpp"
#include "common/reconciliation.hpp"
#include "eenplan/core/json_bounds.hpp"
#include "http/problem.hpp"
#include "http/reconciliation_handler.hpp"
#include "http/request_body.hpp"
#include "http/response.hpp"
#include "ingest/authenticator.hpp"
#include "validation/json_schema.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

// How long a run may stay open: a list of 100 000 in parts of 10 000 takes seconds, so a day
// leaves room for a client that resumes the next morning, and bounds how long parts are kept.
constexpr std::int64_t run_lifetime_us = 24LL * 3600 * 1000000;

std::string rfc3339(std::int64_t us) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(us), Poco::DateTimeFormat::ISO8601_FORMAT);
}

Poco::JSON::Object run_json(const ReconciliationRun& run) {
    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("run_id", run.run_id);
    out.set("gemeentecode", run.gemeentecode);
    out.set("status", run.status);
    out.set("parts", run.parts);
    out.set("created_at", rfc3339(run.created_at_us));
    out.set("expires_at", rfc3339(run.expires_at_us));
    if (run.status == "open") {
        out.set("received_parts", run.received_parts);
        out.set("received_children", run.received_children);
        out.set("processed_children", 0);
    } else {
        if (run.ended_at_us) out.set("ended_at", rfc3339(*run.ended_at_us));
        out.set("processed_children", run.counts.listed);
        if (run.status == "finished") {
            out.set("counts", reconciliation_counts_json(run.counts));
            out.set("digest", run.list_digest);
            out.set("proof", run.proof);
        }
    }
    return out;
}

void send_refusal(Poco::Net::HTTPServerResponse& response, const RunOutcome& outcome) {
    switch (outcome.refusal) {
        case RunRefusal::unknown_run:
            return send_problem(
                response, {Status::HTTP_NOT_FOUND, "unknown-run", "Unknown reconciliation run", outcome.detail, {}});
        case RunRefusal::ended:
            return send_problem(
                response, {Status::HTTP_GONE, "run-ended", "The reconciliation run has ended", outcome.detail, {}});
        case RunRefusal::conflict:
            return send_problem(response, {Status::HTTP_CONFLICT,
                                           "run-conflict",
                                           "The part conflicts with the one received before",
                                           outcome.detail,
                                           {}});
        case RunRefusal::incomplete:
            return send_problem(response, {Status::HTTP_CONFLICT,
                                           "run-incomplete",
                                           "Not every part of the run was received",
                                           outcome.detail,
                                           {}});
        case RunRefusal::beyond:
            return send_problem(response, ProblemType::invalid_request, outcome.detail,
                                {Problem{"/part", "must be at most the run's parts"}});
        case RunRefusal::too_many:
            return send_problem(
                response,
                {Status::HTTP_CONFLICT, "run-limit", "Too many open reconciliation runs", outcome.detail, {}});
        case RunRefusal::not_allowed: return send_problem(response, ProblemType::forbidden, outcome.detail);
        case RunRefusal::none: break;
    }
}

void send_json(Poco::Net::HTTPServerResponse& response, Status status, const Poco::JSON::Object& body) {
    std::ostringstream text;
    body.stringify(text);
    response.setStatusAndReason(status);
    send_body(response, "application/json", text.str());
}

}  // namespace

void ReconciliationRunHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    auto admitted = admit_municipal_request(context_, source_id_, request, response);
    if (!admitted) return;
    const SourceConfig* source = admitted->source;
    const std::string& body = admitted->body;
    const std::int64_t now_s = context_.clock->now_s();
    Reconciliation& runs = *context_.reconciliation;
    const std::int64_t now_us = now_s * 1000000;

    Poco::JSON::Object::Ptr document;
    if (action_ == Action::create || action_ == Action::part) {
        if (const auto exceeded = json_bounds::check(body))
            return send_problem(response, ProblemType::malformed_json, *exceeded);
        Poco::Dynamic::Var parsed;
        try {
            parsed = Poco::JSON::Parser().parse(body);
        } catch (const Poco::Exception&) {
            return send_problem(response, ProblemType::malformed_json, "the body is not valid JSON");
        }
        const char* schema = action_ == Action::create ? "api/reconciliation_run_request.schema.json"
                                                       : "api/reconciliation_part_request.schema.json";
        const Problems problems = JsonSchema::embedded(schema).validate(parsed);
        if (!problems.empty())
            return send_problem(response, ProblemType::invalid_request, "the body breaks its schema", problems);
        document = parsed.extract<Poco::JSON::Object::Ptr>();
    }

    RunOutcome outcome;
    switch (action_) {
        case Action::create:
            outcome = runs.create_run(source->id, *source->municipality, document->getValue<int>("parts"), now_us,
                                      now_us + run_lifetime_us);
            break;
        case Action::part: {
            int part = 0;
            const auto [end, error] = std::from_chars(part_.data(), part_.data() + part_.size(), part);
            if (error != std::errc() || end != part_.data() + part_.size() || part < 1 || part > 10000) {
                return send_problem(response, ProblemType::invalid_request, "the part number is not a number",
                                    {Problem{"/part", "must be a whole number from 1"}});
            }
            const auto children = document->getArray("children");
            std::vector<std::string> entries;
            entries.reserve(children->size());
            for (std::size_t i = 0; i < children->size(); ++i)
                entries.push_back(children->getElement<std::string>(static_cast<unsigned>(i)));
            outcome = runs.add_part(source->id, run_id_, part, entries, now_us);
            break;
        }
        case Action::progress: outcome = runs.progress(source->id, run_id_, now_us); break;
        case Action::finish: outcome = runs.finish(source->id, run_id_, context_.clock->today(), now_us); break;
    }
    if (outcome.refusal != RunRefusal::none) return send_refusal(response, outcome);

    Poco::JSON::Object out = run_json(outcome.run);
    if (action_ == Action::finish) {
        Poco::JSON::Array::Ptr without = new Poco::JSON::Array;
        for (const std::string& pseudonym : outcome.answer.without_enrolment) without->add(pseudonym);
        out.set("without_enrolment", without);
        // The run's proof: counts, the list's digest and the proof, never an entry of the list.
        log_event(context_.logger, Poco::Message::PRIO_INFORMATION, "registration", "registration.run_finished",
                  "reconciliation run finished",
                  {{"source_id", source->id},
                   {"gemeentecode", *source->municipality},
                   {"run_id", outcome.run.run_id},
                   {"count", std::to_string(outcome.run.counts.listed)},
                   {"without_enrolment", std::to_string(outcome.run.counts.without_enrolment())},
                   {"digest", outcome.run.list_digest},
                   {"proof", outcome.run.proof}});
    }
    send_json(response, action_ == Action::create ? Status::HTTP_CREATED : Status::HTTP_OK, out);
}

}  // namespace eenplan::service

#include "http/reconciliation_handler.hpp"

#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Message.h>
#include <Poco/Timestamp.h>

#include "common/log_event.hpp"
#include "common/reconciliation.hpp"
#include "eenplan/core/json_bounds.hpp"
#include "http/problem.hpp"
#include "http/request_body.hpp"
#include "http/response.hpp"
#include "http/source_rate_limits.hpp"
#include "ingest/authenticator.hpp"
#include "validation/json_schema.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

}  // namespace

Poco::JSON::Object::Ptr reconciliation_counts_json(const registration::ReconciliationCounts& c) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("listed", c.listed);
    o->set("enrolled", c.enrolled);
    o->set("without_enrolment", c.without_enrolment());
    o->set("known_not_enrolled", c.known_not_enrolled);
    o->set("unknown", c.unknown);
    o->set("duplicates", c.duplicates);
    o->set("unreadable", c.unreadable);
    return o;
}

std::optional<MunicipalRequest> admit_municipal_request(ServiceContext& context, const std::string& source_id,
                                                        Poco::Net::HTTPServerRequest& request,
                                                        Poco::Net::HTTPServerResponse& response) {
    const SourceConfig* source = context.authenticator->find_source(source_id);
    if (source == nullptr) {
        send_problem(
            response,
            {Status::HTTP_NOT_FOUND, "unknown-source", "Unknown source", "no source with this id is configured", {}});
        return std::nullopt;
    }
    const std::size_t limit = context.config.ingest.max_body_bytes;
    auto body = read_body(request, limit);
    if (!body) {
        send_problem(response, ProblemType::body_too_large,
                     "a part may be at most " + std::to_string(limit) + " bytes; send the list in more parts");
        return std::nullopt;
    }
    const Authentication authentication = context.authenticator->standard_webhooks(
        source_id,
        {request.get("webhook-id", ""), request.get("webhook-timestamp", ""), request.get("webhook-signature", "")},
        *body, context.clock->now_s());
    if (const auto* refusal = std::get_if<AuthRefusal>(&authentication)) {
        if (refusal->kind == AuthRefusal::Kind::unknown_source) {
            send_problem(response, {Status::HTTP_NOT_FOUND, "unknown-source", "Unknown source", refusal->detail, {}});
        } else {
            send_problem(response, ProblemType::unauthenticated, refusal->detail);
        }
        return std::nullopt;
    }
    if (!admit_source(context.rate_limits, source->id, context.metrics, response)) return std::nullopt;
    if (!source->municipality) {
        send_problem(response, ProblemType::forbidden, "this source is not a municipality's register");
        return std::nullopt;
    }
    if (context.reconciliation == nullptr) {
        send_problem(response, ProblemType::forbidden, "this hub runs no routeboek, so it knows no enrolments");
        return std::nullopt;
    }
    return MunicipalRequest{source, std::move(*body)};
}

void ReconciliationHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    auto admitted = admit_municipal_request(context_, source_id_, request, response);
    if (!admitted) return;
    const SourceConfig* source = admitted->source;
    const std::string& body = admitted->body;
    if (const auto exceeded = json_bounds::check(body))
        return send_problem(response, ProblemType::malformed_json, *exceeded);
    Poco::Dynamic::Var document;
    try {
        document = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception&) {
        return send_problem(response, ProblemType::malformed_json, "the body is not valid JSON");
    }
    const Problems problems = JsonSchema::embedded("api/reconciliation_request.schema.json").validate(document);
    if (!problems.empty())
        return send_problem(response, ProblemType::invalid_request, "the part breaks its schema", problems);
    const auto part = document.extract<Poco::JSON::Object::Ptr>();
    const int number = part->getValue<int>("part");
    const int parts = part->getValue<int>("parts");
    if (number > parts) {
        return send_problem(response, ProblemType::invalid_request, "the part lies beyond the run",
                            {Problem{"/part", "must be at most parts"}});
    }
    ReconciliationRequest run{*source->municipality, {}, context_.clock->today()};
    const auto children = part->getArray("children");
    run.children.reserve(children->size());
    for (std::size_t i = 0; i < children->size(); ++i)
        run.children.push_back(children->getElement<std::string>(static_cast<unsigned>(i)));

    const auto answer = context_.reconciliation->reconcile(run);
    if (!answer) return send_problem(response, ProblemType::forbidden, answer.problems().front().detail);

    Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
    out.set("run_id", part->getValue<std::string>("run_id"));
    out.set("part", number);
    out.set("parts", parts);
    out.set("gemeentecode", *source->municipality);
    out.set("counts", reconciliation_counts_json(answer->counts));
    out.set("digest", answer->digest);
    Poco::JSON::Array::Ptr without = new Poco::JSON::Array;
    for (const std::string& pseudonym : answer->without_enrolment) without->add(pseudonym);
    out.set("without_enrolment", without);
    std::ostringstream text;
    out.stringify(text);

    // The run's proof: counts and the list's digest, never an entry of the list.
    log_event(context_.logger, Poco::Message::PRIO_INFORMATION, "registration", "registration.reconciled",
              "reconciliation part answered",
              {{"source_id", source->id},
               {"gemeentecode", *source->municipality},
               {"part", std::to_string(number) + "/" + std::to_string(parts)},
               {"count", std::to_string(answer->counts.listed)},
               {"without_enrolment", std::to_string(answer->counts.without_enrolment())},
               {"digest", answer->digest}});

    response.setStatusAndReason(Status::HTTP_OK);
    send_body(response, "application/json", text.str());
}

}  // namespace eenplan::service

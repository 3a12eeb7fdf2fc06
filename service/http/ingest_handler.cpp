#include "http/ingest_handler.hpp"

#include <array>
#include <chrono>
#include <sstream>

#include <Poco/JSON/Object.h>
#include <Poco/Message.h>
#include <Poco/String.h>

#include "http/problem.hpp"
#include "http/request_body.hpp"
#include "ingest/authenticator.hpp"
#include "http/response.hpp"
#include "http/source_rate_limits.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

bool is_json(const std::string& content_type) {
    const std::string media = Poco::toLower(Poco::trim(content_type.substr(0, content_type.find(';'))));
    return media == "application/json";
}

// Reads and drops up to `bound` more bytes of a body that is refused, so that a client still
// sending it receives the answer instead of a connection reset. Beyond the bound the connection
// is closed with the rest unread: a sender of more than that gets no courtesy.
void drain(std::istream& in, std::size_t bound) {
    std::array<char, 64 * 1024> sink{};
    std::size_t drained = 0;
    while (drained < bound && in.read(sink.data(), sink.size())) drained += sink.size();
}

constexpr std::size_t drain_bound = 8 * 1024 * 1024;

const char* outcome_name(IngestStatus status) {
    switch (status) {
        case IngestStatus::accepted: return "accepted";
        case IngestStatus::duplicate: return "duplicate";
        case IngestStatus::unknown_source: return "unknown_source";
        case IngestStatus::unauthorised: return "unauthorised";
        case IngestStatus::malformed: return "malformed";
        case IngestStatus::invalid: return "invalid";
        case IngestStatus::forbidden: return "forbidden";
    }
    return "unknown";
}

}  // namespace

IngestOutcome refused_outcome(const AuthRefusal& refusal) {
    return {
        refusal.kind == AuthRefusal::Kind::unknown_source ? IngestStatus::unknown_source : IngestStatus::unauthorised,
        {},
        refusal.detail,
        {},
        {}};
}

IngestLogLine answer_ingest(const IngestOutcome& outcome, SignalOrigin origin,
                            Poco::Net::HTTPServerResponse& response) {
    IngestLogLine log;
    switch (outcome.status) {
        case IngestStatus::accepted:
        case IngestStatus::duplicate: {
            const bool fresh = outcome.status == IngestStatus::accepted;
            response.setStatusAndReason(fresh ? Status::HTTP_ACCEPTED : Status::HTTP_OK);
            response.set("X-Correlation-ID", outcome.ids->correlation_id);
            Poco::JSON::Object body_out(Poco::JSON_PRESERVE_KEY_ORDER);
            body_out.set("signal_id", outcome.ids->signal_id);
            body_out.set("correlation_id", outcome.ids->correlation_id);
            std::ostringstream text;
            body_out.stringify(text);
            send_body(response, "application/json", text.str());
            log.text = fresh ? "signal stored" : "duplicate signal acknowledged";
            log.event = fresh ? "signal.stored" : "signal.duplicate";
            log.fields.emplace_back("signal_id", outcome.ids->signal_id);
            log.fields.emplace_back("correlation_id", outcome.ids->correlation_id);
            if (!outcome.signal_type.empty()) log.fields.emplace_back("signal_type", outcome.signal_type);
            break;
        }
        case IngestStatus::unknown_source:
            send_problem(response, {Status::HTTP_NOT_FOUND, "unknown-source", "Unknown source", outcome.detail, {}});
            break;
        case IngestStatus::unauthorised:
            send_problem(response, {Status::HTTP_UNAUTHORIZED,
                                    "invalid-signature",
                                    "The signature could not be verified",
                                    outcome.detail,
                                    {}});
            break;
        case IngestStatus::forbidden:
            send_problem(response, ProblemType::forbidden, outcome.detail, outcome.problems);
            log.fields.emplace_back("signal_type", outcome.signal_type);
            break;
        case IngestStatus::malformed:
            if (origin == SignalOrigin::sent) {
                send_problem(response,
                             {Status::HTTP_BAD_REQUEST, "malformed-json", "Malformed JSON", outcome.detail, {}});
                break;
            }
            [[fallthrough]];
        case IngestStatus::invalid:
            send_problem(response, {Status::HTTP_UNPROCESSABLE_ENTITY, "invalid-signal", "The signal is not valid",
                                    origin == SignalOrigin::mapped ? "the mapped signal is not valid: " + outcome.detail
                                                                   : outcome.detail,
                                    outcome.problems});
            break;
    }
    if (outcome.status != IngestStatus::accepted && outcome.status != IngestStatus::duplicate) {
        log.priority = Poco::Message::PRIO_NOTICE;
        log.text = "signal rejected";
        log.event = "signal.rejected";
    }
    log.fields.emplace_back("status", std::to_string(static_cast<int>(response.getStatus())));
    return log;
}

void IngestHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto started = std::chrono::steady_clock::now();
    const std::size_t limit = context_.config.ingest.max_body_bytes;

    auto refuse_unread = [&](Status status, const char* type, const char* title, std::string detail) {
        // The body may be partly unread, so this connection cannot carry another request.
        drain(request.stream(), drain_bound);
        response.setKeepAlive(false);
        send_problem(response, {status, type, title, std::move(detail), {}});
    };
    if (request.getContentLength64() != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH &&
        static_cast<std::uint64_t>(request.getContentLength64()) > limit) {
        return refuse_unread(Status::HTTP_REQUEST_ENTITY_TOO_LARGE, "body-too-large", "The body is too large",
                             "a signal may be at most " + std::to_string(limit) + " bytes");
    }
    if (!is_json(request.getContentType())) {
        return refuse_unread(Status::HTTP_UNSUPPORTEDMEDIATYPE, "unsupported-media-type", "Unsupported media type",
                             "signals must be sent as application/json");
    }
    const std::optional<std::string> read = read_body(request, limit);
    if (!read) {
        return refuse_unread(Status::HTTP_REQUEST_ENTITY_TOO_LARGE, "body-too-large", "The body is too large",
                             "a signal may be at most " + std::to_string(limit) + " bytes");
    }
    const std::string& body = *read;

    const std::string id = request.get("webhook-id", "");
    const std::string timestamp = request.get("webhook-timestamp", "");
    const std::string signature = request.get("webhook-signature", "");
    const std::int64_t now_us = context_.clock->now_us();
    // Authentication is its own step: the pipeline only takes an authenticated source.
    const Authentication authentication =
        context_.authenticator->standard_webhooks(source_id_, {id, timestamp, signature}, body, now_us / 1'000'000);
    if (const auto* source = std::get_if<AuthenticatedSource>(&authentication);
        source != nullptr && !admit_source(context_.rate_limits, source->id(), context_.metrics, response)) {
        log_event(context_.logger, Poco::Message::PRIO_NOTICE, "ingest", "signal.rate_limited", "signal rejected",
                  {{"source_id", source_id_}, {"outcome", "rate_limited"}, {"status", "429"}});
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
        context_.metrics.observe_ingest("rate_limited", elapsed.count());
        return;
    }
    const IngestOutcome outcome =
        std::holds_alternative<AuthRefusal>(authentication)
            ? refused_outcome(std::get<AuthRefusal>(authentication))
            : context_.ingest.ingest(std::get<AuthenticatedSource>(authentication), body, now_us);

    IngestLogLine log = answer_ingest(outcome, SignalOrigin::sent, response);
    // The source id comes from the URL: logged once it names a configured source, never as sent.
    if (outcome.status != IngestStatus::unknown_source) log.fields.emplace_back("source_id", source_id_);
    log.fields.emplace_back("outcome", outcome_name(outcome.status));
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    log.fields.emplace_back("duration_ms", std::to_string(elapsed.count() * 1000.0));
    log_event(context_.logger, log.priority, "ingest", log.event, log.text, log.fields);
    context_.metrics.observe_ingest(outcome_name(outcome.status), elapsed.count());
}

}  // namespace eenplan::service

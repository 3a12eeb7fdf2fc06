#include "http/inbound_handlers.hpp"

#include <sstream>

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Message.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include "http/ingest_handler.hpp"
#include "http/problem.hpp"
#include "http/request_body.hpp"
#include "http/response.hpp"
#include "http/source_rate_limits.hpp"
#include "inbound/brp_mutation.hpp"
#include "inbound/las_magister.hpp"
#include "inbound/las_parnassys.hpp"
#include "inbound/las_somtoday.hpp"
#include "inbound/zgw_notification.hpp"
#include "inbound/zgw_rol_lookup.hpp"
#include "ingest/notification_inbox.hpp"
#include "ingest/authenticator.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

// The whole payload, at most ingest.max_body_bytes like a signal, or nullopt after a 413 was sent.
std::optional<std::string> read_payload(const ServiceContext& context, Poco::Net::HTTPServerRequest& request,
                                        Poco::Net::HTTPServerResponse& response) {
    const std::size_t limit = context.config.ingest.max_body_bytes;
    auto body = read_body(request, limit);
    if (!body) {
        send_problem(response, ProblemType::body_too_large,
                     "a payload may be at most " + std::to_string(limit) + " bytes");
    }
    return body;
}

std::string now_iso(const Clock& clock) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(clock.now_us()), "%Y-%m-%dT%H:%M:%SZ");
}

// The pipeline's outcome, answered as the ingest endpoint answers it.
void answer(ServiceContext& context, const std::string& source_id, const char* adapter, const IngestOutcome& outcome,
            Poco::Net::HTTPServerResponse& response) {
    IngestLogLine log = answer_ingest(outcome, SignalOrigin::mapped, response);
    // The source id comes from the URL: logged once it names a configured source, never as sent.
    if (outcome.status != IngestStatus::unknown_source) log.fields.emplace_back("source_id", source_id);
    log.fields.emplace_back("route", adapter);
    log_event(context.logger, log.priority, "ingest", log.event, log.text, log.fields);
}

void refuse_mapping(Poco::Net::HTTPServerResponse& response, const Problems& problems) {
    send_problem(response, {Status::HTTP_UNPROCESSABLE_ENTITY, "unmappable-payload", "The payload cannot be mapped",
                            "the payload does not have the shape this adapter reads", problems});
}

}  // namespace

bool SignedAdapterHandler::known(const std::string& adapter) {
    return adapter == "parnassys" || adapter == "magister" || adapter == "somtoday" || adapter == "brp";
}

void SignedAdapterHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const SourceConfig* source = context_.authenticator->find_source(source_id_);
    if (source == nullptr) {
        return send_problem(
            response,
            {Status::HTTP_NOT_FOUND, "unknown-source", "Unknown source", "no source with this id is configured", {}});
    }
    const auto body = read_payload(context_, request, response);
    if (!body) return;
    const std::string id = request.get("webhook-id", "");
    const std::string timestamp = request.get("webhook-timestamp", "");
    const std::string signature = request.get("webhook-signature", "");
    const std::int64_t now_us = context_.clock->now_us();
    // The adapter's signature is the request's one HMAC check; the pipeline takes its result.
    const Authentication authentication =
        context_.authenticator->standard_webhooks(source_id_, {id, timestamp, signature}, *body, now_us / 1'000'000);
    if (const auto* refusal = std::get_if<AuthRefusal>(&authentication)) {
        return answer(context_, source_id_, route_.c_str(), refused_outcome(*refusal), response);
    }
    const auto& authenticated = std::get<AuthenticatedSource>(authentication);
    if (!admit_source(context_.rate_limits, authenticated.id(), context_.metrics, response)) return;
    const inbound::SchoolDefaults school{source->school_brin, source->school_gemeentecode};
    // A mapper that meets a value of the wrong type (an object where a number belongs) may throw
    // from Poco's conversions; that is the sender's input, so a 422, not a 500.
    Result<inbound::CanonicalRequest> mapped = Problem{"", "the payload could not be mapped"};
    try {
        mapped = adapter_ == "parnassys"  ? inbound::map_parnassys(*body, school, now_iso(*context_.clock))
                 : adapter_ == "magister" ? inbound::map_magister(*body, school, now_iso(*context_.clock))
                 : adapter_ == "somtoday" ? inbound::map_somtoday(*body, school, now_iso(*context_.clock))
                                          : inbound::map_brp_mutation(*body, now_iso(*context_.clock));
    } catch (const Poco::Exception&) {
        return refuse_mapping(response, {Problem{"", "a value has a type the mapping cannot read"}});
    }
    if (!mapped) return refuse_mapping(response, mapped.problems());
    answer(context_, source->id, route_.c_str(),
           context_.ingest.ingest(authenticated, authenticated.webhook_id(), mapped.value(), now_us), response);
}

void ZgwNotificationHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const Authentication authentication =
        context_.authenticator->notification_token(source_id_, request.get("Authorization", ""));
    if (const auto* refusal = std::get_if<AuthRefusal>(&authentication)) {
        if (refusal->kind == AuthRefusal::Kind::unknown_source) {
            return send_problem(response,
                                {Status::HTTP_NOT_FOUND, "unknown-source", "Unknown source", refusal->detail, {}});
        }
        response.set("WWW-Authenticate", "Bearer realm=\"eenplan-notifications\"");
        return send_problem(
            response, {Status::HTTP_UNAUTHORIZED, "unauthenticated", "Authentication required", refusal->detail, {}});
    }
    const auto& authenticated = std::get<AuthenticatedSource>(authentication);
    if (!admit_source(context_.rate_limits, authenticated.id(), context_.metrics, response)) return;
    const NotificationsConfig& config = *authenticated.source().notifications;
    const auto body = read_payload(context_, request, response);
    if (!body) return;
    Result<inbound::Notification> notification = Problem{"", "the notification could not be read"};
    try {
        notification = inbound::parse_notification(*body);
    } catch (const Poco::Exception&) {
        return refuse_mapping(response, {Problem{"", "a value has a type the notification cannot have"}});
    }
    if (!notification) return refuse_mapping(response, notification.problems());
    const auto provider = inbound::youth_care_provider(notification.value(), config.zaaktypes);
    if (!provider) {
        // Acknowledged: the Notificaties API must not retry a notification we do not follow.
        response.setStatusAndReason(Status::HTTP_NO_CONTENT);
        response.setContentLength(0);
        response.send();
        return;
    }
    // The worker sends the hub's Zaken API token to this URL: parsed and checked, never a prefix match.
    const auto rol_url = inbound::check_resource_url(notification->resource_url, config.zaken_api);
    if (!rol_url) return refuse_mapping(response, rol_url.problems());
    // Stored durably and answered; the rol is read from the Zaken API off this thread, by the
    // notification worker (integration/inbound/zgw_notification_worker.hpp).
    const auto accepted =
        context_.notifications->accept(authenticated, notification.value(), *provider, context_.clock->now_us());
    Poco::JSON::Object body_out(Poco::JSON_PRESERVE_KEY_ORDER);
    body_out.set("notification_id", accepted.notification_id);
    std::ostringstream text;
    body_out.stringify(text);
    response.setStatusAndReason(accepted.fresh ? Status::HTTP_ACCEPTED : Status::HTTP_OK);
    send_body(response, "application/json", text.str());
}

}  // namespace eenplan::service

#include "http/inbound_handlers.hpp"

#include <sstream>

#include <openssl/crypto.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Message.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include "http/ingest_handler.hpp"
#include "http/problem.hpp"
#include "http/response.hpp"
#include "inbound/brp_mutation.hpp"
#include "inbound/las_magister.hpp"
#include "inbound/las_parnassys.hpp"
#include "inbound/las_somtoday.hpp"
#include "inbound/zgw_notification.hpp"
#include "outbound/http_client.hpp"
#include "outbound/zgw_token.hpp"

namespace eenplan::service {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

constexpr std::size_t max_adapter_body = 1024 * 1024;

const SourceConfig* find_source(const Config& config, const std::string& id) {
    for (const SourceConfig& s : config.sources) {
        if (s.id == id) return &s;
    }
    return nullptr;
}

// The whole body, or nullopt after a 413 was sent.
std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    std::string body(max_adapter_body + 1, '\0');
    request.stream().read(body.data(), static_cast<std::streamsize>(body.size()));
    body.resize(static_cast<std::size_t>(request.stream().gcount()));
    if (body.size() <= max_adapter_body) return body;
    response.setKeepAlive(false);
    send_problem(response, {Status::HTTP_REQUEST_ENTITY_TOO_LARGE, "body-too-large", "The body is too large",
                            "a payload may be at most 1048576 bytes", {}});
    return std::nullopt;
}

std::string now_iso() { return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%SZ"); }

// The pipeline's outcome, answered as the ingest endpoint answers it.
void answer(ServiceContext& context, const std::string& source_id, const char* adapter, const IngestOutcome& outcome,
            Poco::Net::HTTPServerResponse& response) {
    Poco::Message log("ingest", "", Poco::Message::PRIO_INFORMATION);
    log.set("source_id", source_id);
    log.set("route", adapter);
    answer_ingest(context, outcome, SignalOrigin::mapped, response, log);
    context.logger.log(log);
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
    const SourceConfig* source = find_source(context_.config, source_id_);
    if (source == nullptr) {
        return send_problem(response, {Status::HTTP_NOT_FOUND, "unknown-source", "Unknown source",
                                       "no source with this id is configured", {}});
    }
    const auto body = read_body(request, response);
    if (!body) return;
    const std::string id = request.get("webhook-id", "");
    const std::string timestamp = request.get("webhook-timestamp", "");
    const std::string signature = request.get("webhook-signature", "");
    const std::int64_t now_us = Poco::Timestamp().epochMicroseconds();
    const auto verification = webhooks::verify(source->secrets, {id, timestamp, signature}, *body, now_us / 1'000'000,
                                               context_.config.ingest.timestamp_tolerance_seconds);
    if (!verification.accepted) {
        return send_problem(response, {Status::HTTP_UNAUTHORIZED, "invalid-signature",
                                       "The signature could not be verified",
                                       std::string(webhooks::describe(verification.rejection)), {}});
    }
    const inbound::SchoolDefaults school{source->school_brin, source->school_gemeentecode};
    // A mapper that meets a value of the wrong type (an object where a number belongs) may throw
    // from Poco's conversions; that is the sender's input, so a 422, not a 500.
    Result<std::string> mapped = Problem{"", "the payload could not be mapped"};
    try {
        mapped = adapter_ == "parnassys"  ? inbound::map_parnassys(*body, school, now_iso())
                 : adapter_ == "magister" ? inbound::map_magister(*body, school, now_iso())
                 : adapter_ == "somtoday" ? inbound::map_somtoday(*body, school, now_iso())
                                          : inbound::map_brp_mutation(*body, now_iso());
    } catch (const Poco::Exception&) {
        return refuse_mapping(response, {Problem{"", "a value has a type the mapping cannot read"}});
    }
    if (!mapped) return refuse_mapping(response, mapped.problems());
    IngestRequest ingest{source->id, {id, timestamp, signature}, mapped.value(), now_us, true};
    answer(context_, source->id, route_.c_str(), context_.ingest.ingest(ingest), response);
}

void ZgwNotificationHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const SourceConfig* source = find_source(context_.config, source_id_);
    if (source == nullptr || !source->notifications) {
        return send_problem(response, {Status::HTTP_NOT_FOUND, "unknown-source", "Unknown source",
                                       "no source with this id takes ZGW notifications", {}});
    }
    const NotificationsConfig& config = *source->notifications;
    const std::string authorization = request.get("Authorization", "");
    if (authorization.size() != config.authorization.size() ||
        CRYPTO_memcmp(authorization.data(), config.authorization.data(), authorization.size()) != 0) {
        response.set("WWW-Authenticate", "Bearer realm=\"eenplan-notifications\"");
        return send_problem(response, {Status::HTTP_UNAUTHORIZED, "unauthenticated", "Authentication required",
                                       "the Authorization header is not the one registered for this abonnement", {}});
    }
    const auto body = read_body(request, response);
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
    const std::string& rol_url = notification->resource_url;
    if (!rol_url.starts_with(config.zaken_api)) {
        return refuse_mapping(response, {Problem{"/resourceUrl", "is not in the Zaken API configured for this source"}});
    }
    const std::int64_t now_us = Poco::Timestamp().epochMicroseconds();
    integration::KeepAliveClient client(rol_url, std::nullopt, std::chrono::seconds(10));
    const auto rol = client.send("GET", Poco::URI(rol_url).getPathAndQuery(),
                                 {{"authorization", "Bearer " + integration::zgw_token(config.client_id, config.secret,
                                                                                        now_us / 1'000'000)},
                                  {"accept", "application/json"}},
                                 "");
    if (rol.status != 200) {
        // 502: the Notificaties API retries, and by then the Zaken API may answer.
        return send_problem(response, {Status::HTTP_BAD_GATEWAY, "source-unavailable", "The Zaken API did not answer",
                                       "the rol could not be read (" + std::to_string(rol.status) + ")", {}});
    }
    const auto mapped = inbound::map_youth_care_rol(notification.value(), rol.body, *provider);
    if (!mapped) return refuse_mapping(response, mapped.problems());
    // One signal per created rol: its URL is the idempotency key of a repeated notification.
    const std::string webhook_id = "zgw:" + notification->actie + ":" + rol_url;
    IngestRequest ingest{source->id, {webhook_id, "", ""}, mapped.value(), now_us, true};
    answer(context_, source->id, route_.c_str(), context_.ingest.ingest(ingest), response);
}

}  // namespace eenplan::service

#include "keyserver/key_server.hpp"

#include <chrono>
#include <stdexcept>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <prometheus/text_serializer.h>

#include "common/log_event.hpp"
#include "http/client_certificate.hpp"
#include "http/problem.hpp"
#include "keyserver/conversion_request.hpp"
#include "http/request_body.hpp"

namespace eenplan::keyserver {
namespace {

using Poco::Net::HTTPResponse;
using service::log_event;
using service::ProblemType;
using service::send_problem;

std::int64_t steady_now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void send_json(Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object& body) {
    response.setStatus(HTTPResponse::HTTP_OK);
    response.setContentType("application/json");
    std::ostringstream out;
    body.stringify(out);
    const std::string text = out.str();
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    response.send() << text;
}

void send_text(Poco::Net::HTTPServerResponse& response, const std::string& type, const std::string& text) {
    response.setStatus(HTTPResponse::HTTP_OK);
    response.setContentType(type);
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    response.send() << text;
}

class ConvertHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ConvertHandler(KeyServer& server) : server_(server) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        try {
            handle(request, response);
        } catch (const std::exception&) {
            log_event(server_.logger(), Poco::Message::PRIO_ERROR, "keyserver", "convert.failed", "request failed");
            if (!response.sent())
                send_problem(response, ProblemType::internal_error, "the request could not be completed");
        }
        service::finish_body(request, response);
    }

private:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
        if (request.getMethod() != "POST") {
            response.set("Allow", "POST");
            send_problem(response, ProblemType::method_not_allowed, "use POST");
            return;
        }
        const auto presented = service::peer_certificate(request);
        if (!presented) {
            server_.count_request("", "unauthenticated");
            log_event(server_.logger(), Poco::Message::PRIO_WARNING, "keyserver", "client.unauthenticated",
                      "a request without a client certificate was refused");
            send_problem(response, ProblemType::unauthenticated, "a client certificate is required");
            return;
        }
        const KeyServerClient* client = server_.client_for(presented->subject, presented->sha256);
        if (client == nullptr) {
            server_.count_request("", "unknown_client");
            log_event(server_.logger(), Poco::Message::PRIO_WARNING, "keyserver", "client.unknown",
                      "a client certificate no client is configured with was refused");
            send_problem(response, ProblemType::forbidden, "this client certificate is not allowed here");
            return;
        }
        if (const std::int64_t wait = server_.take_token(*client); wait > 0) {
            server_.count_request(client->id, "rate_limited");
            response.set("Retry-After", std::to_string(policy::retry_after_seconds(wait)));
            send_problem(response, ProblemType::rate_limited, "too many requests from this client");
            return;
        }
        if (request.getContentType().find("application/json") != 0) {
            server_.count_request(client->id, "invalid");
            send_problem(response, ProblemType::unsupported_media_type, "send application/json");
            return;
        }
        const std::size_t limit = server_.config().max_batch * 140 + 4096;
        auto body = service::read_body(request, limit);
        if (!body) {
            server_.count_request(client->id, "invalid");
            response.setKeepAlive(false);
            send_problem(response, ProblemType::body_too_large, "the body is larger than a batch may be");
            return;
        }
        const ParsedConversion parsed =
            parse_conversion(*body, server_.config().max_batch, server_.master().public_key());
        if (parsed.fault == RequestFault::malformed) {
            server_.count_request(client->id, "invalid");
            send_problem(response, ProblemType::malformed_json, "the body is not an acceptable JSON object");
            return;
        }
        if (parsed.fault == RequestFault::invalid) {
            server_.count_request(client->id, "invalid");
            send_problem(response, ProblemType::invalid_request, "the request is not a valid conversion",
                         parsed.problems);
            return;
        }
        convert(*client, parsed.request, response);
    }

    void convert(const KeyServerClient& client, const ConversionRequest& request,
                 Poco::Net::HTTPServerResponse& response) {
        if (!client.may_convert_to(request.domain)) {
            server_.count_request(client.id, "forbidden_domain");
            log_event(server_.logger(), Poco::Message::PRIO_WARNING, "keyserver", "domain.forbidden",
                      "a client asked for a domain it may not", {{"client_id", client.id}, {"domain", request.domain}});
            send_problem(response, ProblemType::forbidden, "this client may not convert to this domain");
            return;
        }
        Poco::JSON::Array::Ptr converted = new Poco::JSON::Array;
        const std::uint32_t key_version = server_.config().key_version(request.domain);
        for (const PolymorphicCiphertext& ciphertext : request.encryptions) {
            auto result = reshuffle_rekey_for(server_.master(), ciphertext, request.domain, key_version);
            if (!result) throw std::logic_error("an encryption under the public key failed to convert");
            converted->add(result->to_string());
        }
        const std::string count = std::to_string(request.encryptions.size());
        server_.count_request(client.id, "converted");
        server_.count_conversions(client.id, request.domain, request.encryptions.size());
        log_event(server_.logger(), Poco::Message::PRIO_INFORMATION, "keyserver", "batch.converted",
                  "encryptions converted", {{"client_id", client.id}, {"domain", request.domain}, {"count", count}});
        Poco::JSON::Object answer;
        answer.set("domain", request.domain);
        answer.set("encryptions", converted);
        send_json(response, answer);
    }

    KeyServer& server_;
};

class PlainHandler : public Poco::Net::HTTPRequestHandler {
public:
    PlainHandler(KeyServer& server, std::string path) : server_(server), path_(std::move(path)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
            response.set("Allow", "GET, HEAD");
            send_problem(response, ProblemType::method_not_allowed, "use GET");
        } else if (path_ == "/healthz" || path_ == "/readyz") {
            // Ready as soon as it listens: the keys and the settings were checked before that.
            send_text(response, "application/json", "{\"status\":\"ok\"}");
        } else if (path_ == "/metrics") {
            // Counts per client and domain: for a client whose settings say `metrics: true` only.
            const auto presented = service::peer_certificate(request);
            const KeyServerClient* client =
                presented ? server_.client_for(presented->subject, presented->sha256) : nullptr;
            if (!presented) {
                send_problem(response, ProblemType::unauthenticated, "a client certificate is required");
            } else if (client == nullptr || !client->metrics) {
                send_problem(response, ProblemType::forbidden, "this client may not read the metrics");
            } else {
                send_text(response, "text/plain; version=0.0.4", server_.metrics_text());
            }
        } else {
            service::send_not_found(response, "no such resource");
        }
        service::finish_body(request, response);
    }

private:
    KeyServer& server_;
    std::string path_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(KeyServer& server) : server_(server) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override {
        std::string path = request.getURI();
        if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
        if (path == "/v1/convert") return new ConvertHandler(server_);
        return new PlainHandler(server_, path);
    }

private:
    KeyServer& server_;
};

}  // namespace

KeyServer::KeyServer(KeyServerConfig config, PolymorphicMasterKeys master, Poco::Logger& logger)
    : config_(std::move(config)),
      master_(std::move(master)),
      logger_(logger),
      registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("eenplan_keyserver_requests_total")
                    .Help("Conversion requests by client and outcome")
                    .Register(*registry_)),
      conversions_(prometheus::BuildCounter()
                       .Name("eenplan_keyserver_conversions_total")
                       .Help("Encryptions converted, by client and target domain")
                       .Register(*registry_)) {
    const std::int64_t now = steady_now_us();
    for (const KeyServerClient& client : config_.clients) {
        if (client.rate_limit) buckets_.emplace(client.id, policy::TokenBucket(*client.rate_limit, now));
    }
}

const KeyServerClient* KeyServer::client_for(const std::optional<std::string>& subject,
                                             const std::optional<std::string>& sha256) const {
    if (!subject && !sha256) return nullptr;
    const std::optional<service::PeerCertificate> presented =
        service::PeerCertificate{subject.value_or(""), sha256.value_or("")};
    for (const KeyServerClient& client : config_.clients) {
        if (service::certificate_matches(client.certificate, presented)) return &client;
    }
    return nullptr;
}

std::int64_t KeyServer::take_token(const KeyServerClient& client) {
    std::lock_guard lock(buckets_mutex_);
    const auto bucket = buckets_.find(client.id);
    if (bucket == buckets_.end()) return 0;
    return bucket->second.take(steady_now_us());
}

void KeyServer::count_request(const std::string& client, const std::string& outcome) {
    requests_.Add({{"client", client.empty() ? "(none)" : client}, {"outcome", outcome}}).Increment();
}

void KeyServer::count_conversions(const std::string& client, const std::string& domain, std::size_t n) {
    conversions_.Add({{"client", client}, {"domain", domain}}).Increment(static_cast<double>(n));
}

std::string KeyServer::metrics_text() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

Poco::Net::HTTPRequestHandlerFactory* KeyServer::make_factory() { return new Factory(*this); }

}  // namespace eenplan::keyserver

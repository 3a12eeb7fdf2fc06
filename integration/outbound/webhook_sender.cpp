#include "outbound/webhook_sender.hpp"

#include <memory>
#include <sstream>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "outbound/bounded_read.hpp"
#include "tls/tls_policy.hpp"

namespace eenplan::integration {
namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> open_session(const WebhookTarget& target, const Poco::URI& uri) {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
        Poco::Net::Context::Params params = tls_params();
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        if (target.ca_file) {
            params.caLocation = *target.ca_file;
        } else {
            params.loadDefaultCAs = true;
        }
        Poco::Net::Context::Ptr context = make_tls_context(Poco::Net::Context::TLS_CLIENT_USE, params);
        session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(target.timeout).count()));
    return session;
}

}  // namespace

WebhookSender::WebhookSender(WebhookTarget target) : target_(std::move(target)) {}

WebhookResponse WebhookSender::post(std::string_view webhook_id, std::int64_t timestamp, const std::string& body,
                                    const Bytes& secret) const {
    return post_raw({{"content-type", "application/json"},
                     {"webhook-id", std::string(webhook_id)},
                     {"webhook-timestamp", std::to_string(timestamp)},
                     {"webhook-signature", webhooks::sign(secret, webhook_id, timestamp, body)}},
                    body);
}

WebhookResponse WebhookSender::post_raw(const std::map<std::string, std::string>& headers,
                                        const std::string& body) const {
    const Poco::URI uri(target_.url);
    const auto deadline = std::chrono::steady_clock::now() + target_.timeout;
    auto session = open_session(target_, uri);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) {
        if (Poco::icompare(name, "content-type") == 0) {
            request.setContentType(value);
        } else {
            request.set(name, value);
        }
    }
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session->sendRequest(request) << body;

    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    WebhookResponse out;
    out.status = static_cast<int>(response.getStatus());
    out.content_type = response.getContentType();
    for (const auto& [name, value] : response) out.headers[Poco::toLower(name)] = value;
    BoundedBody answer = read_bounded(*session, response, in, max_answer_bytes, deadline);
    switch (answer.outcome) {
        case BoundedBody::Outcome::complete: out.body = std::move(answer.body); return out;
        case BoundedBody::Outcome::timed_out:
            throw Poco::TimeoutException("the answer did not arrive within " + std::to_string(target_.timeout.count()) +
                                         " ms");
        case BoundedBody::Outcome::too_large: break;
    }
    throw Poco::DataFormatException("the answer is larger than " + std::to_string(max_answer_bytes) + " bytes");
}

}  // namespace eenplan::integration

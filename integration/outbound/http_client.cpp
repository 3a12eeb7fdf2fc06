#include "outbound/http_client.hpp"
#include "tls/tls_policy.hpp"

#include "outbound/bounded_read.hpp"

#include <cctype>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace eenplan::integration {

KeepAliveClient::KeepAliveClient(const std::string& base_url, std::optional<std::string> ca_file,
                                 std::chrono::milliseconds timeout, std::optional<ClientIdentity> identity)
    : ca_file_(std::move(ca_file)), identity_(std::move(identity)), timeout_(timeout) {
    const Poco::URI uri(base_url);
    scheme_ = uri.getScheme();
    host_ = uri.getHost();
    port_ = uri.getPort();
}

KeepAliveClient::~KeepAliveClient() = default;

void KeepAliveClient::open() {
    if (scheme_ == "https") {
        Poco::Net::Context::Params params = tls_params();
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        if (ca_file_) {
            params.caLocation = *ca_file_;
        } else {
            params.loadDefaultCAs = true;
        }
        if (identity_) {
            params.certificateFile = identity_->certificate_file;
            params.privateKeyFile = identity_->private_key_file;
        }
        Poco::Net::Context::Ptr context = make_tls_context(Poco::Net::Context::TLS_CLIENT_USE, params);
        session_ = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, context);
    } else {
        session_ = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
    }
    session_->setKeepAlive(true);
    session_->setTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count()));
    reused_ = false;
}

HttpReply KeepAliveClient::send(const std::string& method, const std::string& path_and_query,
                                const std::map<std::string, std::string>& headers, const std::string& body) {
    const bool was_reused = session_ && reused_;
    HttpReply reply = send_once(method, path_and_query, headers, body);
    // A kept-alive connection the server closed meanwhile fails at once with no answer; that is
    // not the receiver's verdict, so send again on a fresh connection (the idempotency key makes
    // a repeat harmless even if the first one did arrive).
    if (reply.status == 0 && was_reused && reply.error.find("timed out") == std::string::npos) {
        reply = send_once(method, path_and_query, headers, body);
    }
    return reply;
}

HttpReply KeepAliveClient::send_once(const std::string& method, const std::string& path_and_query,
                                     const std::map<std::string, std::string>& headers, const std::string& body) {
    HttpReply reply;
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    const auto timed_out = [&] {
        return HttpReply{
            0, "the receiver did not answer within " + std::to_string(timeout_.count()) + " ms (timed out)", {}, {}};
    };
    try {
        if (!session_) open();
        Poco::Net::HTTPRequest request(method, path_and_query, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        for (const auto& [name, value] : headers) {
            if (Poco::icompare(name, "content-type") == 0) {
                request.setContentType(value);
            } else {
                request.set(name, value);
            }
        }
        if (method != Poco::Net::HTTPRequest::HTTP_GET) {
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        std::ostream& out = session_->sendRequest(request);
        if (!body.empty()) out << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session_->receiveResponse(response);
        BoundedBody answer = read_bounded(*session_, response, in, max_answer_bytes, deadline);
        if (answer.outcome != BoundedBody::Outcome::complete) {
            session_.reset();
            if (answer.outcome == BoundedBody::Outcome::timed_out) return timed_out();
            return HttpReply{
                0, "the answer is larger than the hub reads (" + std::to_string(max_answer_bytes) + " bytes)", {}, {}};
        }
        reply.body = std::move(answer.body);
        reply.status = static_cast<int>(response.getStatus());
        for (const auto& [name, value] : response) reply.headers[Poco::toLower(name)] = value;
        if (!response.getKeepAlive()) {
            session_.reset();
        } else {
            reused_ = true;
        }
    } catch (const Poco::TimeoutException&) {
        reply = timed_out();
        session_.reset();
    } catch (const Poco::Exception& e) {
        reply = HttpReply{0, "no answer from the receiver: " + e.displayText(), {}, {}};
        session_.reset();
    }
    return reply;
}

std::optional<std::chrono::seconds> parse_retry_after(const std::string& value, std::int64_t now_s) {
    const std::string text = Poco::trim(value);
    if (text.empty()) return std::nullopt;
    bool digits = true;
    for (char c : text) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) {
        if (text.size() > 9) return std::chrono::seconds(999'999'999);
        return std::chrono::seconds(std::stoll(text));
    }
    Poco::DateTime when;
    int tz = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, text, when, tz)) return std::nullopt;
    const std::int64_t at = when.timestamp().epochTime() - tz;
    return std::chrono::seconds(at > now_s ? at - now_s : 0);
}

}  // namespace eenplan::integration

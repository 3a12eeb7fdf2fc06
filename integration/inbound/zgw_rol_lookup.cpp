#include "inbound/zgw_rol_lookup.hpp"

#include <algorithm>
#include <memory>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include "outbound/bounded_read.hpp"
#include "outbound/zgw_token.hpp"
#include "tls/tls_policy.hpp"

namespace eenplan::inbound {
namespace {

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "::1" || host == "localhost"; }

// Whether the path (decoded) has a "." or ".." segment, an empty segment or a backslash.
bool normalised(const std::string& path) {
    if (path.empty() || path.front() != '/') return false;
    if (path.find('\\') != std::string::npos) return false;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view segment(path.data() + start, end - start);
        if (segment == "." || segment == "..") return false;
        if (segment.empty() && end != path.size()) return false;  // "//"
        start = end + 1;
    }
    return true;
}

std::string without_trailing_slash(std::string path) {
    while (!path.empty() && path.back() == '/') path.pop_back();
    return path;
}

}  // namespace

Result<CheckedResourceUrl> check_resource_url(std::string_view resource_url, std::string_view zaken_api) {
    const Problem outside{"/resourceUrl", "is not in the Zaken API configured for this source"};
    if (resource_url.size() > 2048) return Problem{"/resourceUrl", "is too long"};
    // No control characters (CR, LF, NUL, ...), spaces or DEL: nothing that could split or bend
    // the outgoing request line.
    if (std::any_of(resource_url.begin(), resource_url.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
        return Problem{"/resourceUrl", "contains control characters or spaces"};
    }
    Poco::URI url;
    Poco::URI api;
    try {
        url = Poco::URI(std::string(resource_url));
        api = Poco::URI(std::string(zaken_api));
    } catch (const Poco::Exception&) {
        return Problem{"/resourceUrl", "is not a URL"};
    }
    const std::string scheme = Poco::toLower(url.getScheme());
    if (scheme != "https" && !(scheme == "http" && loopback(url.getHost()))) {
        return Problem{"/resourceUrl", "must be https"};
    }
    if (scheme != Poco::toLower(api.getScheme())) return outside;
    if (!url.getUserInfo().empty()) return Problem{"/resourceUrl", "must not carry user information"};
    if (!url.getFragment().empty()) return Problem{"/resourceUrl", "must not carry a fragment"};
    if (Poco::toLower(url.getHost()) != Poco::toLower(api.getHost()) || url.getPort() != api.getPort()) return outside;
    // getPath() is decoded, so "%2e%2e" is seen as ".." here.
    const std::string path = url.getPath();
    if (!normalised(path)) return Problem{"/resourceUrl", "must have a normalised path (no \".\" or \"..\")"};
    const std::string base = without_trailing_slash(api.getPath());
    if (!path.starts_with(base + "/") || path.size() == base.size() + 1) return outside;
    return CheckedResourceUrl{scheme, url.getHost(), url.getPort(), url.getPathAndQuery()};
}

RolReply ZakenApiRolLookup::fetch(const CheckedResourceUrl& url, const ZakenApi& api, std::int64_t now_s) const {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + deadline_;
    auto remaining = [&] {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
        return Poco::Timespan(std::max<std::int64_t>(left.count(), 1));
    };
    const RolReply timed_out{RolReply::Status::unavailable,
                             {},
                             "the Zaken API did not answer within " + std::to_string(deadline_.count()) + " ms"};
    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (url.scheme == "https") {
            Poco::Net::Context::Params params = integration::tls_params();
            params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
            params.loadDefaultCAs = true;
            Poco::Net::Context::Ptr context = integration::make_tls_context(Poco::Net::Context::TLS_CLIENT_USE, params);
            session = std::make_unique<Poco::Net::HTTPSClientSession>(url.host, url.port, context);
        } else {
            session = std::make_unique<Poco::Net::HTTPClientSession>(url.host, url.port);
        }
        session->setKeepAlive(false);
        session->setTimeout(remaining());
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, url.path_and_query,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + integration::zgw_token(api.client_id, api.secret, now_s));
        request.set("Accept", "application/json");
        session->sendRequest(request);
        Poco::Net::HTTPResponse response;
        session->socket().setReceiveTimeout(remaining());
        std::istream& in = session->receiveResponse(response);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
            return {RolReply::Status::unavailable,
                    {},
                    "the rol could not be read (" + std::to_string(static_cast<int>(response.getStatus())) + ")"};
        }
        integration::BoundedBody answer = integration::read_bounded(*session, response, in, max_body_, deadline);
        switch (answer.outcome) {
            case integration::BoundedBody::Outcome::complete: break;
            case integration::BoundedBody::Outcome::timed_out: return timed_out;
            case integration::BoundedBody::Outcome::too_large:
                return {RolReply::Status::unavailable, {}, "the rol is larger than this hub reads"};
        }
        RolReply reply{RolReply::Status::ok, std::move(answer.body), {}};
        return reply;
    } catch (const Poco::TimeoutException&) {
        return timed_out;
    } catch (const Poco::Exception& e) {
        return {RolReply::Status::unavailable, {}, std::string("no answer from the Zaken API (") + e.className() + ")"};
    }
}

}  // namespace eenplan::inbound

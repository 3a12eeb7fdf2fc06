// One keep-alive HTTP(S) connection to one origin, reopened when it breaks. Used by the outbound
// connectors; not thread-safe (one per thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace Poco::Net {
class HTTPClientSession;
}

namespace eenplan::integration {

struct HttpReply {
    int status = 0;  // 0: no answer; `error` says why
    std::string error;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
};

// A client certificate presented on every HTTPS connection (mutual TLS), PEM files.
struct ClientIdentity {
    std::string certificate_file;
    std::string private_key_file;
};

class KeepAliveClient {
public:
    // `base_url`: scheme, host and port are used; paths are given per request.
    KeepAliveClient(const std::string& base_url, std::optional<std::string> ca_file, std::chrono::milliseconds timeout,
                    std::optional<ClientIdentity> identity = std::nullopt);
    ~KeepAliveClient();
    KeepAliveClient(const KeepAliveClient&) = delete;
    KeepAliveClient& operator=(const KeepAliveClient&) = delete;

    // Never throws for network trouble: it is reported in the reply. A request on a reused
    // connection that the other side had closed is sent once more on a new one.
    HttpReply send(const std::string& method, const std::string& path_and_query,
                   const std::map<std::string, std::string>& headers, const std::string& body);

private:
    HttpReply send_once(const std::string& method, const std::string& path_and_query,
                        const std::map<std::string, std::string>& headers, const std::string& body);
    void open();

    std::string scheme_;
    std::string host_;
    std::uint16_t port_;
    std::optional<std::string> ca_file_;
    std::optional<ClientIdentity> identity_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    bool reused_ = false;
};

// A Retry-After value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, as a delay from now_s.
std::optional<std::chrono::seconds> parse_retry_after(const std::string& value, std::int64_t now_s);

}  // namespace eenplan::integration

// Reading the rol a ZGW notification names from the Zaken API, behind an interface so that the
// HTTP room does no adapter work (and tests can stand in for the Zaken API). The notification's
// resourceUrl is sender-controlled and the hub sends its Zaken API JWT to it, so it is checked by
// parsing, not by prefix: https (http only to a loopback host), exactly the configured host and
// port, no userinfo, no fragment, a normalised path below the configured base path, and no
// control characters anywhere. The fetch has an overall deadline and a bounded body.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eenplan/core/result.hpp"

namespace eenplan::inbound {

// The Zaken API a source's notifications may point into, and the hub's client credentials there.
struct ZakenApi {
    std::string base_url;  // e.g. https://zaken.rijswijk.nl/zaken/api/v1
    std::string client_id;
    std::string secret;  // JWT-ZGW HS256 secret
};

// A resourceUrl that passed the check: what to connect to and what to ask for.
struct CheckedResourceUrl {
    std::string scheme;
    std::string host;
    std::uint16_t port = 0;
    std::string path_and_query;  // as sent on the request line, re-encoded
};

// The check described above; problems point at /resourceUrl and never repeat its value.
Result<CheckedResourceUrl> check_resource_url(std::string_view resource_url, std::string_view zaken_api);

struct RolReply {
    enum class Status { ok, unavailable };
    Status status = Status::unavailable;
    std::string body;    // ok: the rol as JSON text
    std::string detail;  // unavailable: one sentence (no URL, no body)
};

class RolLookup {
public:
    virtual ~RolLookup() = default;
    // Reads the rol at `url` (already checked against `api`) with a fresh JWT for `now_s`.
    virtual RolReply fetch(const CheckedResourceUrl& url, const ZakenApi& api, std::int64_t now_s) const = 0;
};

// The real Zaken API over HTTP(S): one request, an overall deadline, at most `max_body` bytes.
class ZakenApiRolLookup final : public RolLookup {
public:
    explicit ZakenApiRolLookup(std::chrono::milliseconds deadline = std::chrono::seconds(5),
                               std::size_t max_body = 64 * 1024)
        : deadline_(deadline), max_body_(max_body) {}

    RolReply fetch(const CheckedResourceUrl& url, const ZakenApi& api, std::int64_t now_s) const override;

private:
    std::chrono::milliseconds deadline_;
    std::size_t max_body_;
};

}  // namespace eenplan::inbound

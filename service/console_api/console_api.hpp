// What the HTTP room may ask for the console's data views (GET /v1/console/..., docs/console-api.md),
// as an interface the console room implements over the store (console/console_store.hpp). http/
// links this header-only room and never console/ or store/; the application wires the two.
// Every answer holds ids the hub made, configured party ids, codes, times and counts: never a
// payload, a pseudonym, a reason or an error sentence.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "eenplan/core/console/aggregates.hpp"
#include "eenplan/core/encoding.hpp"

namespace eenplan::service {

// The integration log's filters (all optional) and page.
struct MessageFilter {
    std::string direction;                       // "in", "out" or empty (both)
    std::string party;                           // source id (in) or recipient id (out)
    std::string type;                            // signal type (in) or task type (out)
    std::string status;                          // in: received, planned, parked; out: delivered, retry, dead
    std::string correlation_id;                  //
    std::optional<std::int64_t> from_us, to_us;  // [from, to)
    std::optional<console::Cursor> cursor;       // the page after this row
    int limit = 50;
};

// One delivery issue: the open deliveries of one recipient failing for one cause.
struct DeliveryIssueKey {
    std::string recipient;
    std::string cause;  // console::delivery_cause
};

class ConsoleApi {
public:
    virtual ~ConsoleApi() = default;

    // {"items":[...],"next_cursor":..|null}
    virtual Poco::JSON::Object::Ptr messages(const MessageFilter& filter) = 0;
    // The signal's whole path; null when nothing carries this correlation id.
    virtual Poco::JSON::Object::Ptr correlation(const std::string& correlation_id) = 0;
    // {"items":[...]}; open_only: dead, blocked and failing pending deliveries; else cancelled ones
    // that had failed as well.
    virtual Poco::JSON::Object::Ptr delivery_issues(bool open_only) = 0;
    // Every delivery of an open issue that can be retried or cancelled now (dead, blocked, pending),
    // oldest first; nullopt when the issue id is not one delivery_issues makes.
    virtual std::optional<std::vector<std::string>> issue_deliveries(const std::string& issue_id) = 0;
    // Sources and recipients (the configured ones) with their last success and 24-hour counts;
    // `circuits`: the recipients' circuit states ("closed", "open", "half_open").
    virtual Poco::JSON::Object::Ptr health(std::int64_t now_us, const std::map<std::string, std::string>& circuits) = 0;
    // Aggregates over [from, to) with small-cell suppression.
    virtual Poco::JSON::Object::Ptr dashboard(std::int64_t from_us, std::int64_t to_us) = 0;
};

// The issue id of a key (URL-safe, opaque: base32 of "<recipient>|<cause>") and back; nullopt for
// anything else.
inline std::string issue_id(const DeliveryIssueKey& key) {
    return base32_encode(as_bytes(key.recipient + "|" + key.cause));
}
inline std::optional<DeliveryIssueKey> parse_issue_id(const std::string& id) {
    if (id.empty() || id.size() > 300) return std::nullopt;
    const auto bytes = base32_decode(id);
    if (!bytes) return std::nullopt;
    const std::string plain(bytes->begin(), bytes->end());
    const auto bar = plain.find('|');
    if (bar == std::string::npos || bar == 0 || bar + 1 == plain.size()) return std::nullopt;
    for (char c : plain) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return std::nullopt;
    }
    return DeliveryIssueKey{plain.substr(0, bar), plain.substr(bar + 1)};
}

}  // namespace eenplan::service

#include "outbound/bounded_read.hpp"

#include <algorithm>
#include <array>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timespan.h>

namespace eenplan::integration {
namespace {

// Restores the socket's receive timeout however the read ends.
class ReceiveTimeoutGuard {
public:
    explicit ReceiveTimeoutGuard(Poco::Net::HTTPClientSession& session)
        : session_(session), original_(session.socket().getReceiveTimeout()) {}
    ~ReceiveTimeoutGuard() {
        try {
            session_.socket().setReceiveTimeout(original_);
        } catch (...) {
            // a socket already closed has no timeout to restore
        }
    }
    ReceiveTimeoutGuard(const ReceiveTimeoutGuard&) = delete;
    ReceiveTimeoutGuard& operator=(const ReceiveTimeoutGuard&) = delete;

private:
    Poco::Net::HTTPClientSession& session_;
    Poco::Timespan original_;
};

}  // namespace

BoundedBody read_bounded(Poco::Net::HTTPClientSession& session, const Poco::Net::HTTPResponse& response,
                         std::istream& in, std::size_t max_bytes, std::chrono::steady_clock::time_point deadline) {
    using Clock = std::chrono::steady_clock;
    BoundedBody out;
    if (response.hasContentLength() && response.getContentLength64() > static_cast<std::int64_t>(max_bytes)) {
        out.outcome = BoundedBody::Outcome::too_large;
        return out;
    }
    const ReceiveTimeoutGuard guard(session);
    std::streambuf* buffer = in.rdbuf();
    std::array<char, 8192> chunk{};
    for (;;) {
        const auto now = Clock::now();
        if (now >= deadline) {
            out.outcome = BoundedBody::Outcome::timed_out;
            return out;
        }
        // What is already buffered is taken without touching the socket; only an empty buffer
        // reads from it, and that read waits at most until the deadline.
        const std::streamsize buffered = buffer->in_avail();
        if (buffered > 0) {
            const auto wanted = std::min<std::streamsize>(buffered, static_cast<std::streamsize>(chunk.size()));
            out.body.append(chunk.data(), static_cast<std::size_t>(buffer->sgetn(chunk.data(), wanted)));
        } else {
            const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
            session.socket().setReceiveTimeout(Poco::Timespan(std::max<std::int64_t>(left.count(), 1)));
            std::char_traits<char>::int_type c{};
            try {
                c = buffer->sbumpc();
            } catch (const Poco::TimeoutException&) {
                out.outcome = BoundedBody::Outcome::timed_out;
                return out;
            }
            if (c == std::char_traits<char>::eof()) return out;
            out.body.push_back(static_cast<char>(c));
        }
        if (out.body.size() > max_bytes) {
            out.outcome = BoundedBody::Outcome::too_large;
            return out;
        }
    }
}

}  // namespace eenplan::integration

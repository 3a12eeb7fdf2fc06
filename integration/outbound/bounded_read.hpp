// Reading an HTTP answer from another organisation's system with limits: at most `max_bytes` of
// body, and all of it before `deadline`. A per-read socket timeout alone lets a server that sends
// one byte just inside each timeout hold a worker for as long as it likes, and an unbounded
// string lets it fill the hub's memory. Used by every outbound client (receivers, Zaken APIs).
#pragma once

#include <chrono>
#include <cstddef>
#include <istream>
#include <string>

namespace Poco::Net {
class HTTPClientSession;
class HTTPResponse;
}  // namespace Poco::Net

namespace eenplan::integration {

struct BoundedBody {
    enum class Outcome { complete, too_large, timed_out };
    Outcome outcome = Outcome::complete;
    std::string body;  // complete: the whole body; otherwise what had arrived
};

// The most a hub reads of any answer from a receiver or a Zaken API.
inline constexpr std::size_t max_answer_bytes = 1024 * 1024;

// Reads the body of `response` from `in` (what session.receiveResponse returned). A declared
// Content-Length above `max_bytes` is refused before reading. Leaves the socket's receive timeout
// as it found it. After anything but `complete` the connection is mid-answer: do not reuse it.
BoundedBody read_bounded(Poco::Net::HTTPClientSession& session, const Poco::Net::HTTPResponse& response,
                         std::istream& in, std::size_t max_bytes, std::chrono::steady_clock::time_point deadline);

}  // namespace eenplan::integration

#include "http/request_body.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <istream>

namespace eenplan::service {

std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
    // Read in pieces as it arrives, up to one byte more than allowed, so an oversized chunked body
    // is noticed without reading it all, and a small body costs no buffer of the limit's size.
    std::string body;
    if (request.hasContentLength() && request.getContentLength64() >= 0 &&
        static_cast<std::uint64_t>(request.getContentLength64()) <= limit) {
        body.reserve(static_cast<std::size_t>(request.getContentLength64()) + 1);
    }
    std::istream& in = request.stream();
    char piece[16 * 1024];  // NOLINT: filled by read, no need to clear it
    while (body.size() <= limit && in) {
        const std::size_t want = std::min(sizeof piece, limit + 1 - body.size());
        in.read(piece, static_cast<std::streamsize>(want));
        body.append(piece, static_cast<std::size_t>(in.gcount()));
    }
    if (body.size() > limit) return std::nullopt;
    return body;
}

void finish_body(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                 std::size_t drain_limit) {
    std::istream& in = request.stream();
    if (in.eof()) return;  // read to its end
    const std::string& method = request.getMethod();
    // Poco reads no body for these without a length; a POST without length or chunks ends only
    // when the client closes, so it is never drained.
    const bool bodiless = !request.hasContentLength() && !request.getChunkedTransferEncoding() &&
                          (method == "GET" || method == "HEAD" || method == "DELETE");
    const bool small = bodiless || (request.hasContentLength() && request.getContentLength64() >= 0 &&
                                    static_cast<std::size_t>(request.getContentLength64()) <= drain_limit);
    if (in.good() && (small || request.getChunkedTransferEncoding())) {
        std::array<char, std::size_t{16} * 1024> sink{};
        std::size_t drained = 0;
        while (drained <= drain_limit) {
            in.read(sink.data(), static_cast<std::streamsize>(sink.size()));
            drained += static_cast<std::size_t>(in.gcount());
            if (in.eof() && drained <= drain_limit) return;
            if (!in) break;
        }
    }
    response.setKeepAlive(false);
}

}  // namespace eenplan::service

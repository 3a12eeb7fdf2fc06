#include "http/request_body.hpp"

#include <array>
#include <istream>

namespace eenplan::service {

std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit) {
    // One byte more than allowed, so an oversized chunked body is noticed without reading it all.
    std::string body(limit + 1, '\0');
    std::istream& in = request.stream();
    in.read(body.data(), static_cast<std::streamsize>(body.size()));
    body.resize(static_cast<std::size_t>(in.gcount()));
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

// What the machine's HTTP path carries with no work behind it: the ceiling any ingest design meets
// on this machine under the side-by-side bench's wrk load (ingest_side_by_side.sh).
//
//   eenplan-http-ceiling service   the service's own HTTP server (service/http/http_server.*: the
//                                  gate, the workers, Poco's request parsing), its default limits
//                                  and 32 workers as in the bench; each request's body is read
//                                  whole and answered 202 with a body the size of the ingest's.
//   eenplan-http-ceiling raw       one thread, epoll, no library: reads a request (header and
//                                  Content-Length body) and writes a canned 202. Close to what the
//                                  loopback and wrk themselves allow.
//
// Prints {"port": N} once listening on 127.0.0.1, then serves until SIGTERM or SIGINT.
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <istream>
#include <string>
#include <string_view>
#include <unordered_map>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "http/http_server.hpp"

namespace {

// The size of an ingest 202's body: a signal id and a correlation id.
constexpr std::string_view accepted_body =
    R"({"signal_id":"01JDXJ6Q4K9V7M2R5T8W3Y6Z1A","correlation_id":"01JDXJ6Q4K9V7M2R5T8W3Y6Z1B"})";

volatile std::sig_atomic_t stopping = 0;
void on_signal(int) { stopping = 1; }

class Accept final : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        body.resize(static_cast<std::size_t>(std::max<std::streamsize>(request.getContentLength(), 0)));
        request.stream().read(body.data(), static_cast<std::streamsize>(body.size()));
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_ACCEPTED);
        response.setContentType("application/json");
        response.setContentLength(static_cast<std::streamsize>(accepted_body.size()));
        response.sendBuffer(accepted_body.data(), accepted_body.size());
    }
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Accept;
    }
};

int serve_service() {
    // Blocked before the server's threads exist, so that they inherit the mask and only sigwait takes them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    eenplan::service::Metrics metrics;
    eenplan::service::HttpServer server(new Factory, Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)),
                                        false, 32, eenplan::service::ConnectionLimits{}, metrics);
    server.start();
    std::cout << "{\"port\": " << server.port() << "}" << std::endl;
    int taken = 0;
    sigwait(&stop_signals, &taken);
    server.stop();
    return 0;
}

// The raw server's connection: what it has read of the current request.
struct Peer {
    std::string in;
};

// The length of the first whole request in `in` (header and body), or 0 while it is incomplete.
std::size_t whole_request(const std::string& in) {
    const std::size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos) return 0;
    std::size_t length = 0;
    std::string header = in.substr(0, end);
    std::transform(header.begin(), header.end(), header.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::size_t at = header.find("\r\ncontent-length:");
    if (at != std::string::npos) length = std::strtoul(header.c_str() + at + 17, nullptr, 10);
    return in.size() >= end + 4 + length ? end + 4 + length : 0;
}

int serve_raw() {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener, 512) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        std::perror("listen");
        return 1;
    }
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = listener;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    std::cout << "{\"port\": " << ntohs(address.sin_port) << "}" << std::endl;

    const std::string answer = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(accepted_body.size()) + "\r\n\r\n" + std::string(accepted_body);
    std::unordered_map<int, Peer> peers;
    epoll_event ready[64];
    char buffer[65536];
    while (stopping == 0) {
        const int count = ::epoll_wait(epoll, ready, 64, 200);
        for (int i = 0; i < count; ++i) {
            const int fd = ready[i].data.fd;
            if (fd == listener) {
                int client = 0;
                while ((client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    const int one = 1;
                    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event added{};
                    added.events = EPOLLIN;
                    added.data.fd = client;
                    ::epoll_ctl(epoll, EPOLL_CTL_ADD, client, &added);
                    peers[client];
                }
                continue;
            }
            Peer& peer = peers[fd];
            const ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got <= 0) {
                if (got < 0 && errno == EAGAIN) continue;
                ::close(fd);
                peers.erase(fd);
                continue;
            }
            peer.in.append(buffer, static_cast<std::size_t>(got));
            std::string out;
            for (std::size_t length = 0; (length = whole_request(peer.in)) != 0;) {
                peer.in.erase(0, length);
                out += answer;
            }
            // Answers are small; a loopback socket's send buffer takes them whole.
            if (!out.empty() && ::write(fd, out.data(), out.size()) < 0) {
                ::close(fd);
                peers.erase(fd);
            }
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    const std::string_view mode = argc == 2 ? argv[1] : "";
    if (mode == "service") return serve_service();
    if (mode == "raw") return serve_raw();
    std::cerr << "usage: eenplan-http-ceiling service|raw\n";
    return 2;
}

#include "http/http_server.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <string_view>
#include <system_error>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include "http/problem.hpp"

namespace eenplan::service {

// Poco's server session, with the count of bytes it has read ahead of the current request visible:
// a pipelined request already read must be served here, not waited for at the gate.
class ConnectionSession : public Poco::Net::HTTPServerSession {
public:
    using Poco::Net::HTTPServerSession::HTTPServerSession;
    using Poco::Net::HTTPSession::buffered;
};

namespace {

long long steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

Poco::Timespan milliseconds(int ms) { return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000); }

// Enough for any TLS record (RFC 8446 §5.2: 2^14 + 256 bytes of payload) and for more than a
// request header Poco would accept in practice; a longer one is handed on and refused there.
constexpr std::size_t peek_size = 20 * 1024;

void close_quietly(Poco::Net::Socket& socket) {
    try {
        socket.close();
    } catch (...) {
        // Closing a socket the client already dropped: nothing left to do.
    }
}

// On every answer (the console contract): a CSP that allows no inline script and no framing, no
// MIME sniffing, no Referer, and on TLS HSTS (RFC 6797; a year, as the browsers' preload lists ask).
void set_security_headers(Poco::Net::HTTPServerResponse& response, bool tls) {
    response.set("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                 "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    if (tls) response.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

}  // namespace

HttpServer::HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::Net::ServerSocket socket, bool tls,
                       int threads, const ConnectionLimits& limits, Metrics& metrics)
    : factory_(std::move(factory)),
      socket_(std::move(socket)),
      tls_(tls),
      threads_(threads),
      limits_(limits),
      metrics_(metrics),
      params_(new Poco::Net::HTTPServerParams),
      peek_(peek_size) {
    params_->setKeepAlive(true);
    params_->setMaxKeepAliveRequests(limits.keep_alive_max_requests);
    params_->setKeepAliveTimeout(milliseconds(limits.keep_alive_idle_ms));
    params_->setTimeout(milliseconds(limits.request_read_timeout_ms));
    params_->setMaxThreads(threads);
    params_->setMaxQueued(limits.max_queued);
}

HttpServer::~HttpServer() {
    stop();
    if (epoll_ >= 0) ::close(epoll_);
    if (wake_ >= 0) ::close(wake_);
}

void HttpServer::start() {
    // A client that closes while its answer is written must end that write with an error, not the
    // process (OpenSSL writes with plain write(2)).
    std::signal(SIGPIPE, SIG_IGN);
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_ < 0 || wake_ < 0) throw std::system_error(errno, std::generic_category(), "epoll/eventfd");
    const int listen_fd = socket_.impl()->sockfd();
    // Accepting never blocks the gate (a client that resets between readiness and accept).
    ::fcntl(listen_fd, F_SETFL, ::fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
    for (const int fd : {listen_fd, wake_}) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = fd;
        if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
            throw std::system_error(errno, std::generic_category(), "epoll_ctl");
        }
    }
    accepting_ = true;
    gate_thread_ = std::thread([this] { gate(); });
    for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
}

void HttpServer::stop() {
    if (!gate_thread_.joinable()) return;
    accepting_ = false;
    wake_gate();
    {
        const std::lock_guard lock(mutex_);
        stopping_workers_ = true;
        // A request still being read will not be finished by this process: its reading ends now,
        // so stopping does not wait for slow clients (nothing of it is stored; the sender retries).
        // One already read is handled and answered as usual.
        for (auto& [fd, busy] : busy_) {
            ::shutdown(fd, SHUT_RD);
            busy.expired = true;
        }
    }
    queued_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
    // The gate went on cutting overdue requests while the workers finished; now it stops too.
    stopping_gate_ = true;
    wake_gate();
    gate_thread_.join();
    const std::lock_guard lock(mutex_);
    queue_.clear();
    returned_.clear();
    close_quietly(socket_);
}

void HttpServer::wake_gate() const {
    if (wake_ < 0) return;
    const std::uint64_t one = 1;
    const ssize_t written = ::write(wake_, &one, sizeof one);
    (void)written;  // the counter is already non-zero if this fails: the gate wakes either way
}

// ---- the gate: connections without a whole header, off the worker threads ----

void HttpServer::gate() {
    const int listen_fd = socket_.impl()->sockfd();
    bool listening = true;
    std::vector<epoll_event> events(128);
    while (!stopping_gate_) {
        const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 200);
        const long long now = steady_ms();
        if (listening && !accepting_) {
            ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listen_fd, nullptr);
            listening = false;
            while (!waiting_.empty()) close_waiting(waiting_.begin()->first, nullptr);
        }
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            const std::uint32_t what = events[static_cast<std::size_t>(i)].events;
            if (fd == listen_fd) {
                if (listening) accept_some(now);
            } else if (fd == wake_) {
                std::uint64_t count = 0;
                const ssize_t read = ::read(wake_, &count, sizeof count);
                (void)read;
                std::vector<Connection> back;
                {
                    const std::lock_guard lock(mutex_);
                    back.swap(returned_);
                }
                for (Connection& connection : back) {
                    if (listening) {
                        watch(std::move(connection), true, now);
                    } else {
                        close_quietly(connection.socket);
                    }
                }
            } else {
                check(fd, what, now);
            }
        }
        enforce_deadlines(now);
    }
    while (!waiting_.empty()) close_waiting(waiting_.begin()->first, nullptr);
}

void HttpServer::accept_some(long long now_ms) {
    for (int i = 0; i < 64; ++i) {
        Poco::Net::StreamSocket accepted;
        try {
            accepted = socket_.acceptConnection();
        } catch (const Poco::Exception&) {
            const int error = errno;
            // Out of file descriptors: the listening socket stays readable, so without making room
            // the gate would spin. The longest-waiting connection gives its descriptor back.
            if (error == EMFILE || error == ENFILE) {
                if (!waiting_.empty()) {
                    close_oldest_waiting("pending_full");
                } else {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
            }
            return;  // otherwise nothing more to accept now (EAGAIN), or the client is gone already
        }
        // Full: the connection that has waited longest (a slow client, most likely) makes room.
        if (waiting_.size() >= static_cast<std::size_t>(limits_.max_pending)) close_oldest_waiting("pending_full");
        watch(Connection{std::move(accepted), 0}, false, now_ms);
    }
}

void HttpServer::close_oldest_waiting(const char* reason) {
    if (waiting_.empty()) return;
    auto oldest = waiting_.begin();
    for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
        if (it->second.since_ms < oldest->second.since_ms) oldest = it;
    }
    close_waiting(oldest->first, reason);
}

void HttpServer::watch(Connection connection, bool kept_alive, long long now_ms) {
    const int fd = connection.socket.impl()->sockfd();
    const int wait_ms = kept_alive ? limits_.keep_alive_idle_ms : limits_.header_timeout_ms;
    waiting_.insert_or_assign(fd, Waiting{std::move(connection), now_ms + wait_ms, now_ms, kept_alive, false});
    epoll_event event{};
    // Edge-triggered: a connection whose partial header was peeked at is woken again only when
    // more bytes arrive, never in a loop over the bytes already there.
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
        close_waiting(fd, nullptr);
        return;
    }
    check(fd, 0, now_ms);  // what arrived before it was watched
}

void HttpServer::check(int fd, std::uint32_t events, long long now_ms) {
    const auto found = waiting_.find(fd);
    if (found == waiting_.end()) return;
    Readiness ready = readiness(fd, found->second, now_ms);
    // The client closed its side before a whole header: it can never send one.
    if (ready == Readiness::waiting && (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) ready = Readiness::gone;
    if (ready == Readiness::waiting) return;
    if (ready == Readiness::gone) return close_waiting(fd, nullptr);
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    Connection connection = std::move(found->second.connection);
    waiting_.erase(found);
    {
        const std::lock_guard lock(mutex_);
        if (queue_.size() < static_cast<std::size_t>(limits_.max_queued)) {
            queue_.push_back(std::move(connection));
            queued_.notify_one();
            return;
        }
    }
    metrics_.count_connection_closed("queue_full");
    close_quietly(connection.socket);
}

HttpServer::Readiness HttpServer::readiness(int fd, Waiting& waiting, long long now_ms) {
    const ssize_t n = ::recv(fd, peek_.data(), peek_.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return Readiness::gone;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Readiness::waiting : Readiness::gone;
    if (!waiting.seen_byte) {
        waiting.seen_byte = true;
        // A kept-alive connection was idle; from its first byte it has the header time.
        if (waiting.kept_alive) waiting.deadline_ms = now_ms + limits_.header_timeout_ms;
    }
    const auto size = static_cast<std::size_t>(n);
    if (size == peek_.size()) return Readiness::ready;  // too long to wait for: Poco's limits answer it
    if (tls_) {
        // A TLS record (RFC 8446 §5.1): type 20..24, version, 2-byte length. Anything else fails
        // the handshake at once, so it may go on.
        const auto* bytes = reinterpret_cast<const unsigned char*>(peek_.data());
        if (bytes[0] < 20 || bytes[0] > 24) return Readiness::ready;
        if (size < 5) return Readiness::waiting;
        const std::size_t record = 5 + ((static_cast<std::size_t>(bytes[3]) << 8) | bytes[4]);
        return size >= record ? Readiness::ready : Readiness::waiting;
    }
    // Poco takes LF as well as CRLF line ends: either blank line ends the header.
    const std::string_view seen(peek_.data(), size);
    return seen.find("\r\n\r\n") != std::string_view::npos || seen.find("\n\n") != std::string_view::npos
               ? Readiness::ready
               : Readiness::waiting;
}

void HttpServer::close_waiting(int fd, const char* reason) {
    const auto found = waiting_.find(fd);
    if (found == waiting_.end()) return;
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    if (reason != nullptr) metrics_.count_connection_closed(reason);
    close_quietly(found->second.connection.socket);
    waiting_.erase(found);
}

void HttpServer::enforce_deadlines(long long now_ms) {
    std::vector<std::pair<int, const char*>> overdue;
    for (const auto& [fd, waiting] : waiting_) {
        if (waiting.deadline_ms > now_ms) continue;
        // A kept-alive connection that stays idle is just done; one that started a header and did
        // not finish it is a slow client.
        overdue.emplace_back(fd, waiting.kept_alive && !waiting.seen_byte ? nullptr : "header_timeout");
    }
    for (const auto& [fd, reason] : overdue) close_waiting(fd, reason);

    int cut = 0;
    {
        const std::lock_guard lock(mutex_);
        for (auto& [fd, busy] : busy_) {
            if (busy.expired || busy.deadline_ms > now_ms) continue;
            // Only the receiving side: a blocked read ends at once, an answer can still be written.
            ::shutdown(fd, SHUT_RD);
            busy.expired = true;
            ++cut;
        }
    }
    for (int i = 0; i < cut; ++i) metrics_.count_connection_closed("read_timeout");
}

// ---- the workers: one request at a time, read within its deadline ----

void HttpServer::work() {
    for (;;) {
        Connection connection;
        {
            std::unique_lock lock(mutex_);
            queued_.wait(lock, [this] { return stopping_workers_ || !queue_.empty(); });
            if (stopping_workers_) return;
            connection = std::move(queue_.front());
            queue_.pop_front();
        }
        serve(std::move(connection));
    }
}

void HttpServer::serve(Connection connection) {
    Poco::Net::StreamSocket& socket = connection.socket;
    const int fd = socket.impl()->sockfd();
    try {
        socket.setReceiveTimeout(milliseconds(limits_.request_read_timeout_ms));
        socket.setSendTimeout(milliseconds(limits_.send_timeout_ms));
        socket.setNoDelay(true);
    } catch (const Poco::Exception&) {
        close_quietly(socket);
        return;
    }
    ConnectionSession session(socket, params_);
    for (;;) {
        begin_request(fd);
        const bool again = serve_one(session, fd, connection.served);
        const bool cut = end_request(fd);
        ++connection.served;
        bool stopping = false;
        {
            const std::lock_guard lock(mutex_);
            stopping = stopping_workers_;
        }
        if (!again || cut || stopping || connection.served >= limits_.keep_alive_max_requests) return;
        // Read ahead already (a pipelined request): served here. Otherwise the gate waits for it.
        if (session.buffered() > 0 || (tls_ && socket.available() > 0)) continue;
        Connection back{session.detachSocket(), connection.served};
        {
            const std::lock_guard lock(mutex_);
            returned_.push_back(std::move(back));
        }
        wake_gate();
        return;
    }
}

bool HttpServer::serve_one(ConnectionSession& session, int fd, int served) {
    Poco::Net::HTTPServerResponseImpl response(session);
    const auto started = std::chrono::steady_clock::now();
    try {
        Poco::Net::HTTPServerRequestImpl request(response, session, params_);
        response.setDate(Poco::Timestamp());
        response.setVersion(request.getVersion());
        response.setKeepAlive(request.getKeepAlive() && served + 1 < limits_.keep_alive_max_requests);
        set_security_headers(response, tls_);
        const std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(factory_->createRequestHandler(request));
        if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
            response.sendContinue();
        }
        handler->handleRequest(request, response);
        return response.getKeepAlive();
    } catch (const Poco::Net::NoMessageException&) {
        return false;  // closed (or cut) before a request began
    } catch (const Poco::Net::MessageException&) {
        // Poco's parser refused the request line or a header (a bare CR, a field over its limits):
        // answered like every other error, and the connection closed, as nothing after it can be framed.
        if (!response.sent() && !cut_short(fd)) {
            try {
                response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
                response.setKeepAlive(false);
                set_security_headers(response, tls_);
                send_problem(response, ProblemType::malformed_request,
                             "the request line or a header field could not be read; nothing was done");
                const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
                metrics_.observe_request("unparsed", "", 400, elapsed.count());
            } catch (const Poco::Exception&) {
                // The client is gone: nothing to answer.
            }
        }
        return false;
    } catch (const Poco::Exception&) {
        return false;  // a timeout, a reset, a failed TLS handshake: nothing more on this connection
    } catch (const std::exception&) {
        return false;
    }
}

void HttpServer::begin_request(int fd) {
    const std::lock_guard lock(mutex_);
    busy_.insert_or_assign(fd, Busy{steady_ms() + limits_.request_read_timeout_ms, false});
}

bool HttpServer::cut_short(int fd) {
    const std::lock_guard lock(mutex_);
    const auto found = busy_.find(fd);
    return found != busy_.end() && found->second.expired;
}

bool HttpServer::end_request(int fd) {
    const std::lock_guard lock(mutex_);
    const auto found = busy_.find(fd);
    if (found == busy_.end()) return false;
    const bool expired = found->second.expired;
    busy_.erase(found);
    return expired;
}

}  // namespace eenplan::service

// eenplan-webhook-receiver: a task receiver as an organisation would run it (or as the eenplan
// Node-RED task-in node behaves), for the demo, the tests and the delivery benchmark. It verifies
// Standard Webhooks signatures, deduplicates on webhook-id (202 the first time, 200
// {"status":"duplicate"} after), and can be told over HTTP to misbehave:
//   POST /control {"fail_count": n, "fail_seconds": t, "always": true, "status": 503,
//                  "retry_after": s, "delay_ms": d}   fail the next n requests / for t seconds /
//                  always with `status` (410 for "gone"), optionally with Retry-After; answer
//                  every request after d ms. {} restores normal behaviour.
//   GET /stats    {"accepted", "duplicates", "refused", "unauthorised", "distinct"}
//   GET /tasks    every accepted task body, in order of arrival, as a JSON array
// Any other POST is a delivery. It prints {"port": n} on its first line of standard output.
// --tolerance-seconds widens the 5-minute window for webhook-timestamp, for a hub whose test clock
// has been moved ahead (tests/faults/receiver_outage.sh); signatures are checked all the same.
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/ServerApplication.h>

#include "eenplan/core/standard_webhooks.hpp"

namespace {

using Poco::Net::HTTPResponse;

struct Behaviour {
    int fail_count = 0;
    std::int64_t fail_until_us = 0;
    bool always = false;
    int status = 503;
    int retry_after = -1;
    int delay_ms = 0;
};

struct State {
    std::vector<eenplan::Bytes> secrets;
    std::int64_t tolerance_seconds = eenplan::webhooks::default_tolerance_seconds;
    std::mutex mutex;
    Behaviour behaviour;
    std::map<std::string, int> seen;  // webhook-id -> deliveries accepted or repeated
    std::vector<std::string> tasks;
    long long accepted = 0, duplicates = 0, refused = 0, unauthorised = 0;
};

void send(Poco::Net::HTTPServerResponse& response, int status, const std::string& body) {
    response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json");
    response.sendBuffer(body.data(), body.size());
}

class ReceiverHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ReceiverHandler(State& state) : state_(state) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        const std::string& path = request.getURI();
        if (path == "/control" && request.getMethod() == "POST") return control(body, response);
        if (path == "/stats") return stats(response);
        if (path == "/tasks") return tasks(response);
        if (request.getMethod() != "POST") return send(response, 405, R"({"title":"Method not allowed"})");
        deliver(request, body, response);
    }

private:
    void control(const std::string& body, Poco::Net::HTTPServerResponse& response) {
        const auto o = Poco::JSON::Parser().parse(body.empty() ? "{}" : body).extract<Poco::JSON::Object::Ptr>();
        Behaviour b;
        b.fail_count = o->optValue("fail_count", 0);
        const int seconds = o->optValue("fail_seconds", 0);
        if (seconds > 0) b.fail_until_us = Poco::Timestamp().epochMicroseconds() + seconds * 1'000'000LL;
        b.always = o->optValue("always", false);
        b.status = o->optValue("status", 503);
        b.retry_after = o->optValue("retry_after", -1);
        b.delay_ms = o->optValue("delay_ms", 0);
        std::lock_guard lock(state_.mutex);
        state_.behaviour = b;
        send(response, 200, R"({"status":"ok"})");
    }

    void stats(Poco::Net::HTTPServerResponse& response) {
        std::lock_guard lock(state_.mutex);
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("accepted", state_.accepted);
        o.set("duplicates", state_.duplicates);
        o.set("refused", state_.refused);
        o.set("unauthorised", state_.unauthorised);
        o.set("distinct", static_cast<long long>(state_.seen.size()));
        std::ostringstream out;
        o.stringify(out);
        send(response, 200, out.str());
    }

    void tasks(Poco::Net::HTTPServerResponse& response) {
        std::lock_guard lock(state_.mutex);
        std::string out = "[";
        for (std::size_t i = 0; i < state_.tasks.size(); ++i) out += (i ? "," : "") + state_.tasks[i];
        out += "]";
        send(response, 200, out);
    }

    void deliver(Poco::Net::HTTPServerRequest& request, const std::string& body,
                 Poco::Net::HTTPServerResponse& response) {
        const std::string id = request.get("webhook-id", "");
        const std::string timestamp = request.get("webhook-timestamp", "");
        const std::string signature = request.get("webhook-signature", "");
        const auto verification = eenplan::webhooks::verify(state_.secrets, {id, timestamp, signature}, body,
                                                            Poco::Timestamp().epochTime(), state_.tolerance_seconds);
        Behaviour b;
        {
            std::lock_guard lock(state_.mutex);
            b = state_.behaviour;
        }
        if (b.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(b.delay_ms));
        std::lock_guard lock(state_.mutex);
        if (!verification.accepted) {
            ++state_.unauthorised;
            return send(response, 401, R"({"title":"Signature rejected"})");
        }
        Behaviour& live = state_.behaviour;
        const bool failing = live.always || live.fail_count > 0 ||
                             (live.fail_until_us > 0 && Poco::Timestamp().epochMicroseconds() < live.fail_until_us);
        if (failing) {
            if (live.fail_count > 0) --live.fail_count;
            ++state_.refused;
            if (live.retry_after >= 0) response.set("Retry-After", std::to_string(live.retry_after));
            return send(response, live.status, R"({"title":"Told to fail"})");
        }
        int& count = state_.seen[id];
        ++count;
        if (count > 1) {
            ++state_.duplicates;
            return send(response, 200, R"({"status":"duplicate","webhook_id":")" + id + "\"}");
        }
        ++state_.accepted;
        state_.tasks.push_back(body);
        send(response, 202, R"({"status":"accepted","webhook_id":")" + id + "\"}");
    }

    State& state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(State& state) : state_(state) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ReceiverHandler(state_);
    }

private:
    State& state_;
};

class WebhookReceiver : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(
            Poco::Util::Option("secret", "s", "a whsec_ secret deliveries must be signed with (repeatable)")
                .required(true)
                .repeatable(true)
                .argument("secret")
                .callback(Poco::Util::OptionCallback<WebhookReceiver>(this, &WebhookReceiver::on_option)));
        options.addOption(
            Poco::Util::Option("port", "p", "port on 127.0.0.1 (0: any free one)")
                .argument("n")
                .callback(Poco::Util::OptionCallback<WebhookReceiver>(this, &WebhookReceiver::on_option)));
        options.addOption(
            Poco::Util::Option("tolerance-seconds", "", "accepted age of webhook-timestamp (default 300)")
                .argument("n")
                .callback(Poco::Util::OptionCallback<WebhookReceiver>(this, &WebhookReceiver::on_option)));
        options.addOption(
            Poco::Util::Option("threads", "t", "worker threads (default 16)")
                .argument("n")
                .callback(Poco::Util::OptionCallback<WebhookReceiver>(this, &WebhookReceiver::on_option)));
    }

    void on_option(const std::string& name, const std::string& value) {
        if (name == "secret") {
            auto secret = eenplan::webhooks::parse_secret(value);
            if (!secret) throw Poco::InvalidArgumentException("--secret: " + secret.problems()[0].detail);
            state_.secrets.push_back(secret.value());
        } else if (name == "port") {
            port_ = static_cast<Poco::UInt16>(std::stoi(value));
        } else if (name == "tolerance-seconds") {
            state_.tolerance_seconds = std::stoll(value);
        } else if (name == "threads") {
            threads_ = std::stoi(value);
        }
    }

    int main(const std::vector<std::string>&) override {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads_);
        params->setMaxQueued(1024);
        params->setKeepAlive(true);
        params->setMaxKeepAliveRequests(0);  // unlimited
        Poco::Net::HTTPServer server(new Factory(state_),
                                     Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", port_)), params);
        server.start();
        std::cout << R"({"port":)" << server.port() << "}" << std::endl;
        waitForTerminationRequest();
        server.stopAll(true);
        return EXIT_OK;
    }

private:
    State state_;
    Poco::UInt16 port_ = 0;
    int threads_ = 16;
};

}  // namespace

POCO_SERVER_MAIN(WebhookReceiver)

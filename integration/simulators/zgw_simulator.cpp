// eenplan-zgw-sim: a municipality's ZGW Zaken API (VNG "API's voor Zaakgericht Werken", the
// subset Open Zaak serves for zaken, statussen and rollen) with its Notificaties API beside it,
// for the demo and the tests.
//   /zaken/api/v1/zaken      POST (201), GET ?identificatie=&bronorganisatie=, GET /{uuid}
//   /zaken/api/v1/statussen  POST (201), GET ?zaak=
//   /zaken/api/v1/rollen     POST (201), GET ?zaak=, GET /{uuid}
// Every call needs a JWT-ZGW bearer token (HS256 under --secret, iss = client_id = --client-id,
// iat within 5 minutes); a zaak's identificatie is unique per bronorganisatie (400 otherwise).
// Creating a rol sends a notification (kanaal "zaken", resource "rol", actie "create") to
// --notify-url with --notify-auth as its Authorization header, as an abonnement would receive it.
//   POST /_control {"fail_count": n, "status": s}  the next n calls answer s
//   POST /_control {"delay_ms": d}                 every call is answered d ms late (0: at once)
//   POST /_control {"notify_url", "notify_auth"}   register the abonnement later
// It prints {"port": n} on its first line of standard output.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>
#include <Poco/Util/ServerApplication.h>

#include "outbound/zgw_token.hpp"

namespace {

using Object = Poco::JSON::Object::Ptr;

std::string stringify(const Object& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

struct Store {
    std::mutex mutex;
    std::vector<Object> zaken, statussen, rollen;
    int fail_count = 0;
    int fail_status = 500;
    int delay_ms = 0;
};

// Sends notifications one after the other from a thread of its own, as a Notificaties API does.
class Notifier {
public:
    Notifier(std::string url, std::string authorization)
        : url_(std::move(url)), authorization_(std::move(authorization)) {
        thread_ = std::thread([this] { run(); });
    }
    // An abonnement registered later, as POST /_control {"notify_url", "notify_auth"} does.
    void subscribe(std::string url, std::string authorization) {
        std::lock_guard lock(mutex_);
        url_ = std::move(url);
        authorization_ = std::move(authorization);
    }
    ~Notifier() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    void send(std::string body) {
        {
            std::lock_guard lock(mutex_);
            if (url_.empty()) return;
            queue_.push_back(std::move(body));
        }
        ready_.notify_all();
    }

private:
    void run() {
        for (;;) {
            std::string body, url, authorization;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;
                body = std::move(queue_.front());
                queue_.pop_front();
                url = url_;
                authorization = authorization_;
            }
            try {
                const Poco::URI uri(url);
                Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
                Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                               Poco::Net::HTTPMessage::HTTP_1_1);
                request.setContentType("application/json");
                request.set("Authorization", authorization);
                request.setContentLength(static_cast<std::streamsize>(body.size()));
                session.sendRequest(request) << body;
                Poco::Net::HTTPResponse response;
                session.receiveResponse(response).ignore(1 << 20);
                std::cerr << "notification delivered: " << response.getStatus() << "\n";
            } catch (const Poco::Exception& e) {
                std::cerr << "notification failed: " << e.displayText() << "\n";
            }
        }
    }

    std::string url_, authorization_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::string> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

struct Settings {
    std::string client_id = "eenplan";
    std::string secret;
    std::string base;  // http://127.0.0.1:<port>
};

void send(Poco::Net::HTTPServerResponse& response, int status, const std::string& body) {
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json");
    response.sendBuffer(body.data(), body.size());
}

std::string list_body(const std::vector<Object>& items) {
    Object o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
    for (const Object& item : items) results->add(item);
    o->set("count", static_cast<int>(items.size()));
    o->set("next", Poco::Dynamic::Var());
    o->set("previous", Poco::Dynamic::Var());
    o->set("results", results);
    return stringify(o);
}

class ZgwHandler : public Poco::Net::HTTPRequestHandler {
public:
    ZgwHandler(Store& store, Settings& settings, Notifier& notifier)
        : store_(store), settings_(settings), notifier_(notifier) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        const Poco::URI uri(request.getURI());
        const std::string path = uri.getPath();
        std::map<std::string, std::string> query;
        for (const auto& [k, v] : uri.getQueryParameters()) query[k] = v;
        try {
            if (path == "/_control") {
                const auto o = Poco::JSON::Parser().parse(body).extract<Object>();
                if (o->has("notify_url")) {
                    notifier_.subscribe(o->getValue<std::string>("notify_url"),
                                        o->optValue<std::string>("notify_auth", ""));
                }
                std::lock_guard lock(store_.mutex);
                store_.fail_count = o->optValue("fail_count", 0);
                store_.fail_status = o->optValue("status", 500);
                store_.delay_ms = o->optValue("delay_ms", 0);
                return send(response, 200, R"({"status":"ok"})");
            }
            const std::string client = eenplan::integration::verify_zgw_token(
                request.get("Authorization", ""), settings_.secret, Poco::Timestamp().epochTime());
            if (client != settings_.client_id) {
                return send(response, 403, R"({"code":"not_authenticated","title":"JWT-ZGW niet geldig"})");
            }
            int delay_ms = 0;
            {
                std::lock_guard lock(store_.mutex);
                delay_ms = store_.delay_ms;
            }
            if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
            {
                std::lock_guard lock(store_.mutex);
                if (store_.fail_count > 0) {
                    --store_.fail_count;
                    return send(response, store_.fail_status, R"({"title":"Told to fail"})");
                }
            }
            const std::string root = "/zaken/api/v1/";
            if (path.rfind(root, 0) != 0) return send(response, 404, R"({"title":"Not found"})");
            const std::string rest = path.substr(root.size());
            const std::string collection = rest.substr(0, rest.find('/'));
            const std::string uuid = rest.find('/') == std::string::npos ? "" : rest.substr(rest.find('/') + 1);
            std::vector<Object>* items = collection == "zaken"       ? &store_.zaken
                                         : collection == "statussen" ? &store_.statussen
                                         : collection == "rollen"    ? &store_.rollen
                                                                     : nullptr;
            if (items == nullptr) return send(response, 404, R"({"title":"Not found"})");
            if (request.getMethod() == "POST" && uuid.empty()) return create(collection, *items, body, response);
            if (request.getMethod() != "GET") return send(response, 405, R"({"title":"Method not allowed"})");
            std::lock_guard lock(store_.mutex);
            std::vector<Object> found;
            for (const Object& item : *items) {
                bool match = uuid.empty() || item->getValue<std::string>("uuid") == uuid;
                for (const auto& [k, v] : query) {
                    if (k == "page") continue;
                    match = match && item->has(k) && item->get(k).toString() == v;
                }
                if (match) found.push_back(item);
            }
            if (!uuid.empty()) {
                if (found.empty()) return send(response, 404, R"({"title":"Not found"})");
                return send(response, 200, stringify(found.front()));
            }
            send(response, 200, list_body(found));
        } catch (const Poco::Exception& e) {
            send(response, 400, R"({"code":"invalid","title":"Ongeldige aanvraag"})");
        }
    }

private:
    void create(const std::string& collection, std::vector<Object>& items, const std::string& body,
                Poco::Net::HTTPServerResponse& response) {
        Object o = Poco::JSON::Parser().parse(body).extract<Object>();
        static const std::map<std::string, std::vector<std::string>> required{
            {"zaken", {"bronorganisatie", "zaaktype", "verantwoordelijkeOrganisatie", "startdatum"}},
            {"statussen", {"zaak", "statustype", "datumStatusGezet"}},
            {"rollen", {"zaak", "betrokkeneType", "roltype", "roltoelichting"}}};
        for (const std::string& field : required.at(collection)) {
            if (!o->has(field)) {
                return send(response, 400,
                            R"({"code":"invalid","title":"Ongeldige aanvraag","invalidParams":[{"name":")" + field +
                                R"(","code":"required"}]})");
            }
        }
        std::lock_guard lock(store_.mutex);
        if (collection == "zaken" && o->has("identificatie")) {
            for (const Object& z : items) {
                if (z->getValue<std::string>("identificatie") == o->getValue<std::string>("identificatie") &&
                    z->getValue<std::string>("bronorganisatie") == o->getValue<std::string>("bronorganisatie")) {
                    return send(
                        response, 400,
                        R"({"code":"invalid","title":"Ongeldige aanvraag","invalidParams":[{"name":"identificatie","code":"identificatie-niet-uniek"}]})");
                }
            }
        }
        const std::string uuid = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        o->set("uuid", uuid);
        o->set("url", settings_.base + "/zaken/api/v1/" + collection + "/" + uuid);
        if (collection == "zaken" && !o->has("identificatie")) o->set("identificatie", "ZAAK-" + uuid.substr(0, 8));
        items.push_back(o);
        send(response, 201, stringify(o));
        if (collection == "rollen") {
            std::string zaaktype, bron;
            for (const Object& z : store_.zaken) {
                if (z->getValue<std::string>("url") == o->getValue<std::string>("zaak")) {
                    zaaktype = z->getValue<std::string>("zaaktype");
                    bron = z->getValue<std::string>("bronorganisatie");
                }
            }
            Object n = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            n->set("kanaal", "zaken");
            n->set("hoofdObject", o->getValue<std::string>("zaak"));
            n->set("resource", "rol");
            n->set("resourceUrl", o->getValue<std::string>("url"));
            n->set("actie", "create");
            n->set("aanmaakdatum", Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%SZ"));
            Object kenmerken = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            kenmerken->set("bronorganisatie", bron);
            kenmerken->set("zaaktype", zaaktype);
            kenmerken->set("vertrouwelijkheidaanduiding", "vertrouwelijk");
            n->set("kenmerken", kenmerken);
            notifier_.send(stringify(n));
        }
    }

    Store& store_;
    Settings& settings_;
    Notifier& notifier_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Factory(Store& store, Settings& settings, Notifier& notifier)
        : store_(store), settings_(settings), notifier_(notifier) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ZgwHandler(store_, settings_, notifier_);
    }

private:
    Store& store_;
    Settings& settings_;
    Notifier& notifier_;
};

class ZgwSimulator : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);
        auto add = [&](const char* name, const char* help, bool required) {
            options.addOption(Poco::Util::Option(name, "", help)
                                  .required(required)
                                  .argument("value")
                                  .callback(Poco::Util::OptionCallback<ZgwSimulator>(this, &ZgwSimulator::on_option)));
        };
        add("secret", "the JWT-ZGW secret of the client", true);
        add("client-id", "the client_id it must name (default eenplan)", false);
        add("port", "port on 127.0.0.1 (0: any free one)", false);
        add("notify-url", "abonnement callback URL for notifications", false);
        add("notify-auth", "Authorization header value for the callback", false);
    }

    void on_option(const std::string& name, const std::string& value) {
        if (name == "secret") settings_.secret = value;
        if (name == "client-id") settings_.client_id = value;
        if (name == "port") port_ = static_cast<Poco::UInt16>(std::stoi(value));
        if (name == "notify-url") notify_url_ = value;
        if (name == "notify-auth") notify_auth_ = value;
    }

    int main(const std::vector<std::string>&) override {
        Notifier notifier(notify_url_, notify_auth_);
        Store store;
        auto* params = new Poco::Net::HTTPServerParams;
        params->setKeepAlive(true);
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port_));
        settings_.base = "http://127.0.0.1:" + std::to_string(socket.address().port());
        Poco::Net::HTTPServer server(new Factory(store, settings_, notifier), socket, params);
        server.start();
        std::cout << R"({"port":)" << server.port() << "}" << std::endl;
        waitForTerminationRequest();
        server.stopAll(true);
        return EXIT_OK;
    }

private:
    Settings settings_;
    Poco::UInt16 port_ = 0;
    std::string notify_url_, notify_auth_;
};

}  // namespace

POCO_SERVER_MAIN(ZgwSimulator)

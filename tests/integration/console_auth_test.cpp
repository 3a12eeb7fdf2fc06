// The console's sign-in through the real service (docs/security.md, "Console sign-in"): local
// accounts made with --add-user, sessions in cookies, CSRF on every change, the roles on every
// admin route of the route table, login throttling, the audit trail, the security headers, and
// OpenID Connect against a real provider (oidc-provider, tests/oidc/idp.js) and against one that
// hands out bad ID tokens (tests/oidc/fake_idp.js). The store is named by EENPLAN_TEST_STORE.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <fstream>
#include <map>
#include <thread>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "http/routes.hpp"
#include "integration/record_fixture.hpp"
#include "support/tied_process.hpp"

using namespace eenplan::testing;

namespace {

const std::string password_admin = "correct horse battery staple";
const std::string password_officer = "privacy officer password 1";
const std::string password_auditor = "auditor reads everything";
const std::string client_secret = "client-secret-of-the-console-0123456789";
const std::string unknown_id = "0b9b0b5e-3d2a-4c1f-8e7a-5a4c3b2a1f00";

struct Reply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names; the first of each
    [[nodiscard]] std::string header(const std::string& name) const {
        const auto found = headers.find(name);
        return found == headers.end() ? std::string() : found->second;
    }
};

Reply call(const std::string& url, const std::string& method, const std::string& body = "",
           const std::map<std::string, std::string>& headers = {}) {
    const Poco::URI uri(url);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    bool typed = false;
    for (const auto& [name, value] : headers) {
        request.set(name, value);
        typed = typed || Poco::icompare(name, "content-type") == 0;
    }
    if (!body.empty() && !typed) request.setContentType("application/json");
    if (method != "GET") request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Reply reply;
    reply.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, reply.body);
    for (const auto& [name, value] : response) reply.headers.emplace(Poco::toLower(name), value);
    return reply;
}

// The session cookie's value from a Set-Cookie header ("" when there is none).
std::string cookie_value(const Reply& reply) {
    const std::string set = reply.header("set-cookie");
    const std::string prefix = "eenplan_session=";
    if (!set.starts_with(prefix)) return {};
    return set.substr(prefix.size(), set.find(';') - prefix.size());
}

struct Session {
    std::string cookie;
    std::string csrf;
    [[nodiscard]] std::map<std::string, std::string> headers(bool with_csrf = true) const {
        std::map<std::string, std::string> h{{"Cookie", "eenplan_session=" + cookie}};
        if (with_csrf) h["X-CSRF-Token"] = csrf;
        return h;
    }
};

int free_port() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

std::string source_dir() {
    const char* dir = std::getenv("EENPLAN_SOURCE_DIR");
    if (dir == nullptr) throw std::runtime_error("EENPLAN_SOURCE_DIR is not set");
    return dir;
}

// A node script of tests/oidc started for the test, stopped with it; waits for its "ready" line.
class NodeIdp {
public:
    NodeIdp(const std::string& script, const std::vector<std::string>& args) {
        if (!std::filesystem::exists(source_dir() + "/tests/oidc/node_modules/oidc-provider")) {
            throw std::runtime_error("tests/oidc has no node_modules: run npm ci there (tests/run.sh does)");
        }
        std::vector<std::string> all{source_dir() + "/tests/oidc/" + script};
        all.insert(all.end(), args.begin(), args.end());
        handle_ = std::make_unique<Poco::ProcessHandle>(launch_tied(node(), all, source_dir(), &out_));
        std::string line;
        char c = 0;
        while (out_.readBytes(&c, 1) == 1 && c != '\n') line += c;
        if (!line.starts_with("ready ")) throw std::runtime_error(script + " did not start: " + line);
    }
    ~NodeIdp() {
        Poco::Process::requestTermination(handle_->id());
        handle_->wait();
    }
    NodeIdp(const NodeIdp&) = delete;
    NodeIdp& operator=(const NodeIdp&) = delete;

private:
    static std::string node() {
        for (const char* path : {"/usr/bin/node", "/usr/local/bin/node"}) {
            if (std::filesystem::exists(path)) return path;
        }
        throw std::runtime_error("node is not installed");
    }
    Poco::Pipe out_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
};

// `eenplan-service --config <file> <args>` through the shell: its exit code and output.
std::pair<int, std::string> run_service(const std::filesystem::path& config, const std::string& args,
                                        const std::string& input = "") {
    std::string command = "'" + service_binary() + "' --config '" + config.string() + "' " + args + " 2>&1";
    if (!input.empty()) command = "printf '%s\\n' '" + input + "' | " + command;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
    std::string out;
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void write_private(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file) << text << "\n";
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

struct ConsoleHub {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service;

    explicit ConsoleHub(ServiceOptions options) : service(store, dir.path(), std::move(options)) {}

    [[nodiscard]] std::string url(const std::string& path) const { return service.base_url() + path; }

    void add_user(const std::string& name, const std::string& roles, const std::string& password) {
        const auto file = dir.path() / (name + ".password");
        write_private(file, password);
        const auto [code, out] = run_service(service.config_file(),
                                             "--add-user " + name + " " + roles + " --password-file " + file.string());
        INFO(out);
        REQUIRE(code == 0);
    }

    Reply login(const std::string& user, const std::string& password) {
        return call(url("/console/api/login"), "POST",
                    R"({"username":")" + user + R"(","password":")" + password + R"("})");
    }

    Session session_of(const std::string& user, const std::string& password) {
        const Reply r = login(user, password);
        INFO(r.body);
        REQUIRE(r.status == 200);
        return {cookie_value(r), json_object(r.body)->getValue<std::string>("csrf_token")};
    }
};

ServiceOptions local_options() {
    ServiceOptions o;
    o.manual_clock = true;
    o.extra_config =
        "console:\n  login_throttle: {free_attempts: 3, max_lockout_seconds: 60}\n"
        "  session: {idle_timeout_minutes: 30, absolute_timeout_hours: 12}\n";
    return o;
}

// The path of a route with every {...} segment an id nobody has.
std::string concrete(const std::string& pattern) {
    std::string out;
    std::size_t at = 0;
    while (at < pattern.size()) {
        const auto open = pattern.find('{', at);
        if (open == std::string::npos) {
            out += pattern.substr(at);
            break;
        }
        out += pattern.substr(at, open - at) + unknown_id;
        at = pattern.find('}', open) + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("local console accounts sign in, keep a session and sign out", "[console]") {
    ConsoleHub hub(local_options());
    hub.add_user("beheerder", "--role admin", password_admin);
    // The password from standard input, as an operator types it.
    const auto typed = run_service(hub.service.config_file(), "--add-user controleur --role auditor", password_auditor);
    INFO(typed.second);
    CHECK(typed.first == 0);
    CHECK(typed.second.find("saved") != std::string::npos);
    const auto short_password = run_service(hub.service.config_file(), "--add-user x --role admin", "short");
    CHECK(short_password.first == 64);
    const auto bad_role = run_service(hub.service.config_file(), "--add-user x --role root", password_admin);
    CHECK(bad_role.first == 64);
    CHECK(hub.store.count("console_accounts") == 2);
    {
        auto sql = hub.store.session();
        std::string hash;
        *sql << "SELECT password_hash FROM console_accounts WHERE username = 'beheerder'", soci::into(hash);
        CHECK(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        CHECK(hash.find(password_admin) == std::string::npos);
    }

    CHECK(call(hub.url("/console/api/login"), "POST",
               R"({"username":"beheerder","password":")" + password_admin + "\"}", {{"Content-Type", "text/plain"}})
              .status == 415);
    CHECK(call(hub.url("/console/api/login"), "POST", R"({"username":"beheerder"})").status == 422);
    const Reply config = call(hub.url("/console/api/config"), "GET");
    REQUIRE(config.status == 200);
    CHECK(config.body == R"({"local_login":true,"oidc":false})");

    const Reply login = hub.login("beheerder", password_admin);
    INFO(login.body);
    REQUIRE(login.status == 200);
    const std::string set_cookie = login.header("set-cookie");
    CHECK(set_cookie.find("; HttpOnly") != std::string::npos);
    CHECK(set_cookie.find("; Secure") != std::string::npos);
    CHECK(set_cookie.find("; SameSite=Strict") != std::string::npos);
    CHECK(set_cookie.find("; Path=/") != std::string::npos);
    const auto body = json_object(login.body);
    CHECK(body->getValue<std::string>("user") == "beheerder");
    CHECK(body->getArray("roles")->getElement<std::string>(0) == "admin");
    const Session admin{cookie_value(login), body->getValue<std::string>("csrf_token")};
    REQUIRE(admin.cookie.size() == 43);
    {
        // Only the session id's hash is stored.
        auto sql = hub.store.session();
        std::string stored;
        *sql << "SELECT session_hash FROM console_sessions", soci::into(stored);
        CHECK(stored.size() == 64);
        CHECK(stored != admin.cookie);
    }

    // The session answers with the same body, and reads the admin API.
    {
        const Reply session = call(hub.url("/console/api/session"), "GET", "", admin.headers(false));
        REQUIRE(session.status == 200);
        CHECK(json_object(session.body)->getValue<std::string>("csrf_token") == admin.csrf);
        CHECK(call(hub.url("/v1/deliveries"), "GET", "", admin.headers(false)).status == 200);
        CHECK(call(hub.url("/console/api/session"), "GET").status == 401);
        CHECK(call(hub.url("/v1/deliveries"), "GET", "", {{"Cookie", "eenplan_session=" + std::string(43, 'A')}})
                  .status == 401);
    }
    // A change needs the session's CSRF token.
    {
        const std::string retry = "/v1/deliveries/" + unknown_id + "/retry";
        const Reply without = call(hub.url(retry), "POST", "{}", admin.headers(false));
        CHECK(without.status == 403);
        CHECK(without.header("content-type").starts_with("application/problem+json"));
        auto wrong = admin.headers();
        wrong["X-CSRF-Token"] = admin.csrf.substr(0, 42) + (admin.csrf.back() == 'A' ? "B" : "A");
        CHECK(call(hub.url(retry), "POST", "{}", wrong).status == 403);
        // With it the request passes sign-in and reaches the handler (no such delivery).
        CHECK(call(hub.url(retry), "POST", "{}", admin.headers()).status == 404);
        // Logout is a change too.
        CHECK(call(hub.url("/console/api/logout"), "POST", "", admin.headers(false)).status == 403);
    }
    // The audit trail names who signed in, who failed and what a session did.
    {
        CHECK(hub.login("beheerder", "wrong password!").status == 401);
        CHECK(hub.login("nobody", "wrong password!").status == 401);
        CHECK(call(hub.url("/v1/deliveries"), "GET", "", admin.headers(false)).status == 200);
        const Session auditor = hub.session_of("controleur", password_auditor);
        const Reply trail = call(hub.url("/v1/audit"), "GET", "", auditor.headers(false));
        INFO(trail.body);
        REQUIRE(trail.status == 200);
        std::vector<std::string> seen;
        const auto entries = json_object(trail.body)->getArray("entries");
        for (const auto& item : *entries) {
            const auto e = item.extract<Poco::JSON::Object::Ptr>();
            seen.push_back(e->getValue<std::string>("actor") + " " + e->getValue<std::string>("route") + " " +
                           std::to_string(e->getValue<int>("outcome")));
        }
        const auto has = [&](const std::string& line) {
            return std::find(seen.begin(), seen.end(), line) != seen.end();
        };
        CHECK(has("beheerder /console/api/login 200"));
        CHECK(has("beheerder /console/api/login 401"));
        CHECK(has("? /console/api/login 401"));
        CHECK(has("beheerder /v1/deliveries 200"));
        CHECK(has("controleur /console/api/login 200"));
        CHECK(trail.body.find("nobody") == std::string::npos);
        CHECK(trail.body.find("wrong password") == std::string::npos);
    }
    // Failed logins are throttled per account, then per address.
    {
        // One failure for beheerder is counted already (above).
        for (int i = 0; i < 2; ++i) CHECK(hub.login("beheerder", "wrong password!").status == 401);
        const Reply throttled = hub.login("beheerder", password_admin);
        CHECK(throttled.status == 429);
        CHECK(throttled.header("retry-after") == "1");
        CHECK(throttled.header("content-type").starts_with("application/problem+json"));
        hub.service.advance_clock(2);
        CHECK(hub.login("beheerder", password_admin).status == 200);
        // The address: four times the account's allowance, over any names.
        int refused = 0;
        for (int i = 0; i < 12 && refused == 0; ++i) {
            if (hub.login("nobody" + std::to_string(i), "wrong password!").status == 429) ++refused;
        }
        const Reply from_address = hub.login("controleur", password_auditor);
        CHECK(from_address.status == 429);
        hub.service.advance_clock(60);
        CHECK(hub.login("controleur", password_auditor).status == 200);
    }
    // A session ends after its idle time.
    {
        const Session fresh = hub.session_of("beheerder", password_admin);
        hub.service.advance_clock(29 * 60);
        CHECK(call(hub.url("/console/api/session"), "GET", "", fresh.headers(false)).status == 200);
        hub.service.advance_clock(29 * 60);  // used 29 minutes ago: still alive
        CHECK(call(hub.url("/console/api/session"), "GET", "", fresh.headers(false)).status == 200);
        hub.service.advance_clock(31 * 60);
        CHECK(call(hub.url("/console/api/session"), "GET", "", fresh.headers(false)).status == 401);
    }
    // A session in use ends after its absolute time (12 hours here), however often it is used.
    {
        const Session busy = hub.session_of("beheerder", password_admin);
        for (int used = 0; used < 24; ++used) {  // every 29 minutes: 11 h 36 min in all
            hub.service.advance_clock(29 * 60);
            REQUIRE(call(hub.url("/console/api/session"), "GET", "", busy.headers(false)).status == 200);
        }
        hub.service.advance_clock(25 * 60);  // 12 h 1 min after sign-in, used 25 minutes ago
        CHECK(call(hub.url("/console/api/session"), "GET", "", busy.headers(false)).status == 401);
    }
    // Logout ends the session on the server and clears the cookie.
    {
        const Session fresh = hub.session_of("beheerder", password_admin);
        const Reply out = call(hub.url("/console/api/logout"), "POST", "", fresh.headers());
        CHECK(out.status == 204);
        CHECK(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
        CHECK(call(hub.url("/console/api/session"), "GET", "", fresh.headers(false)).status == 401);
        CHECK(call(hub.url("/v1/deliveries"), "GET", "", fresh.headers(false)).status == 401);
        CHECK(hub.store.count("console_sessions") == 0);
    }
}

TEST_CASE("console roles hold on every admin route of the route table", "[console]") {
    ConsoleHub hub(local_options());
    hub.add_user("beheerder", "--role admin", password_admin);
    hub.add_user("functionaris", "--role privacy_officer", password_officer);
    hub.add_user("controleur", "--role auditor", password_auditor);
    const Session admin = hub.session_of("beheerder", password_admin);
    const Session officer = hub.session_of("functionaris", password_officer);
    const Session auditor = hub.session_of("controleur", password_auditor);

    // A privacy officer cannot retry or cancel a delivery; an admin can reach them.
    {
        for (const char* action : {"retry", "cancel"}) {
            const std::string path = "/v1/deliveries/" + unknown_id + "/" + action;
            CHECK(call(hub.url(path), "POST", "{}", officer.headers()).status == 403);
            CHECK(call(hub.url(path), "POST", "{}", admin.headers()).status == 404);
        }
        CHECK(call(hub.url("/v1/deliveries"), "GET", "", officer.headers(false)).status == 200);
    }
    // An auditor changes nothing and reads everything but subject access.
    {
        int writes = 0;
        for (const auto& route : eenplan::service::routes()) {
            using eenplan::service::Access;
            const bool admin_level = route.access == Access::admin_read || route.access == Access::admin_write ||
                                     route.access == Access::audit_read || route.access == Access::privacy_officer;
            if (!admin_level) continue;
            const std::string path = concrete(route.pattern);
            const std::string method = route.method;
            INFO(method << " " << path);
            const Reply r = call(hub.url(path), method, method == "GET" ? "" : "{}", auditor.headers());
            if (method != "GET" && method != "HEAD") {
                ++writes;
                CHECK(r.status == 403);
            } else if (route.access == Access::privacy_officer) {
                CHECK(r.status == 403);
            } else {
                CHECK(r.status != 401);
                CHECK(r.status != 403);
            }
        }
        CHECK(writes >= 15);
        // Refusals of a signed-in user are in the trail with who was refused.
        const Reply trail = call(hub.url("/v1/audit?actor=controleur"), "GET", "", auditor.headers(false));
        REQUIRE(trail.status == 200);
        CHECK(trail.body.find("\"outcome\":403") != std::string::npos);
    }
}

TEST_CASE("every answer carries the security headers", "[console]") {
    ConsoleHub hub(ServiceOptions{});
    for (const std::string path : {"/healthz", "/console/api/config", "/no/such/path"}) {
        const Reply r = call(hub.url(path), "GET");
        INFO(path);
        CHECK(r.header("content-security-policy") ==
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        CHECK(r.header("x-content-type-options") == "nosniff");
        CHECK(r.header("referrer-policy") == "no-referrer");
        CHECK(r.header("strict-transport-security").empty());  // plain http: no HSTS
    }
}

TEST_CASE("over TLS the answers also carry HSTS", "[console]") {
    Poco::Net::initializeSSL();
    {
        ServiceOptions options;
        options.tls = true;
        ConsoleHub hub(options);
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // only the headers are looked at
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(hub.service.port()), context);
        Poco::Net::HTTPRequest request("GET", "/console/api/config", Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        CHECK(response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK);
        CHECK(response.get("Strict-Transport-Security", "") == "max-age=31536000; includeSubDomains");
        CHECK(response.get("X-Content-Type-Options", "") == "nosniff");
    }
    Poco::Net::uninitializeSSL();
}

namespace {

ServiceOptions oidc_options(int idp_port, const std::filesystem::path& secret_file) {
    ServiceOptions o;
    o.extra_config =
        "console:\n  local_login: false\n  oidc:\n    issuer: http://127.0.0.1:" + std::to_string(idp_port) +
        "\n    client_id: eenplan-console\n    client_secret_file: " + secret_file.string() +
        "\n    redirect_uri: http://127.0.0.1:1/console/oidc/callback\n    roles_claim: roles\n";
    return o;
}

// The callback URL the IdP sent the browser to, on the service instead of the registered host.
std::string on_service(const ConsoleHub& hub, const std::string& callback) {
    const Poco::URI uri(callback);
    REQUIRE(uri.getPath() == "/console/oidc/callback");
    return hub.url(uri.getPathAndQuery());
}

// Cookies a browser would keep for the IdP (all paths alike: enough for one sign-in).
struct CookieJar {
    std::map<std::string, std::string> cookies;
    void keep(const Poco::Net::HTTPResponse& response) {
        std::vector<Poco::Net::HTTPCookie> set;
        response.getCookies(set);
        for (const auto& c : set) cookies[c.getName()] = c.getValue();
    }
    [[nodiscard]] std::string header() const {
        std::string out;
        for (const auto& [name, value] : cookies) out += (out.empty() ? "" : "; ") + name + "=" + value;
        return out;
    }
};

// One browser request to the IdP with its cookies: the status and Location.
std::pair<int, std::string> browse(CookieJar& jar, const std::string& url, const std::string& form = "") {
    const Poco::URI uri(url);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    Poco::Net::HTTPRequest request(form.empty() ? "GET" : "POST", uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    if (!jar.cookies.empty()) request.set("Cookie", jar.header());
    if (!form.empty()) {
        request.setContentType("application/x-www-form-urlencoded");
        request.setContentLength(static_cast<std::streamsize>(form.size()));
    }
    session.sendRequest(request) << form;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    jar.keep(response);
    std::string location = response.get("Location", "");
    if (location.starts_with("/")) location = uri.getScheme() + "://" + uri.getAuthority() + location;
    return {static_cast<int>(response.getStatus()), location};
}

}  // namespace

TEST_CASE("sign-in through a real OpenID Connect provider", "[console]") {
    TempDir idp_dir;
    const auto secret_file = idp_dir.path() / "client.secret";
    write_private(secret_file, client_secret);
    const int port = free_port();
    const std::string issuer = "http://127.0.0.1:" + std::to_string(port);
    NodeIdp idp("idp.js", {"--port", std::to_string(port), "--issuer", issuer, "--client-id", "eenplan-console",
                           "--client-secret-file", secret_file.string(), "--redirect-uri",
                           "http://127.0.0.1:1/console/oidc/callback"});
    ConsoleHub hub(oidc_options(port, secret_file));
    CHECK(call(hub.url("/console/api/config"), "GET").body == R"({"local_login":false,"oidc":true})");
    CHECK(hub.login("admin1", "admin1").status == 404);  // local sign-in is off

    const auto sign_in = [&](const std::string& user, const std::string& password) {
        const Reply start = call(hub.url("/console/oidc/login"), "GET");
        REQUIRE(start.status == 302);
        const std::string authorize = start.header("location");
        CHECK(authorize.starts_with(issuer + "/auth?"));
        CHECK(authorize.find("code_challenge_method=S256") != std::string::npos);
        CHECK(authorize.find("&nonce=") != std::string::npos);
        CookieJar jar;
        const auto [s1, form] = browse(jar, authorize);
        REQUIRE(s1 / 100 == 3);
        REQUIRE(form.find("/interaction/") != std::string::npos);
        const auto [s2, resume] = browse(jar, form + "/login", "username=" + user + "&password=" + password);
        REQUIRE(s2 / 100 == 3);
        const auto [s3, callback] = browse(jar, resume);
        REQUIRE(s3 / 100 == 3);
        return call(on_service(hub, callback), "GET");
    };

    const Reply done = sign_in("admin1", "admin1");
    INFO(done.body);
    REQUIRE(done.status == 302);
    CHECK(done.header("location") == "/console/");
    const std::string cookie = cookie_value(done);
    REQUIRE(!cookie.empty());
    const Reply session = call(hub.url("/console/api/session"), "GET", "", {{"Cookie", "eenplan_session=" + cookie}});
    REQUIRE(session.status == 200);
    const auto body = json_object(session.body);
    CHECK(body->getValue<std::string>("user") == "admin1");
    CHECK(body->getValue<std::string>("via") == "oidc");
    CHECK(body->getArray("roles")->getElement<std::string>(0) == "admin");
    const Session admin{cookie, body->getValue<std::string>("csrf_token")};
    CHECK(call(hub.url("/v1/deliveries"), "GET", "", admin.headers(false)).status == 200);
    CHECK(call(hub.url("/v1/deliveries/" + unknown_id + "/retry"), "POST", "{}", admin.headers()).status == 404);

    // The provider's privacy officer is one here too.
    const Reply officer_done = sign_in("privacy1", "privacy1");
    REQUIRE(officer_done.status == 302);
    const Session officer{cookie_value(officer_done), ""};
    const Reply officer_session = call(hub.url("/console/api/session"), "GET", "", officer.headers(false));
    const Session officer_full{officer.cookie, json_object(officer_session.body)->getValue<std::string>("csrf_token")};
    CHECK(call(hub.url("/v1/deliveries/" + unknown_id + "/retry"), "POST", "{}", officer_full.headers()).status == 403);

    // A callback replayed (its state is used up) is refused.
    CHECK(call(hub.url("/console/oidc/callback?code=x&state=y"), "GET").status == 401);
}

TEST_CASE("an identity provider that cannot be reached gives 503 and no sign-in", "[console]") {
    TempDir idp_dir;
    const auto secret_file = idp_dir.path() / "client.secret";
    write_private(secret_file, client_secret);
    const int port = free_port();  // nothing listens there
    ConsoleHub hub(oidc_options(port, secret_file));
    const Reply r = call(hub.url("/console/oidc/login"), "GET");
    INFO(r.body);
    CHECK(r.status == 503);
    CHECK(r.header("retry-after") == "30");
    CHECK(r.header("content-type").starts_with("application/problem+json"));
    CHECK(r.header("location").empty());
    CHECK(r.body.find("identity-provider-unavailable") != std::string::npos);
    // A callback without a sign-in this service began is refused before the provider is asked.
    CHECK(call(hub.url("/console/oidc/callback?code=x&state=y"), "GET").status == 401);
    CHECK(hub.store.count("console_sessions") == 0);
}

TEST_CASE("ID tokens that must not sign anyone in", "[console]") {
    TempDir idp_dir;
    const auto secret_file = idp_dir.path() / "client.secret";
    write_private(secret_file, client_secret);
    const int port = free_port();
    NodeIdp idp("fake_idp.js", {"--port", std::to_string(port), "--client-id", "eenplan-console",
                                "--client-secret-file", secret_file.string()});
    ConsoleHub hub(oidc_options(port, secret_file));
    const auto attempt = [&](const std::string& mode, const std::string& extra = "") {
        const Reply start = call(hub.url("/console/oidc/login"), "GET");
        REQUIRE(start.status == 302);
        const Reply authorized = call(start.header("location") + "&mode=" + mode, "GET");
        REQUIRE(authorized.status == 302);
        return call(on_service(hub, authorized.header("location") + extra), "GET");
    };
    // A callback naming another issuer (RFC 9207 mix-up) is refused before any token is asked for.
    CHECK(attempt("good", "&iss=http%3A%2F%2Fevil.example").status == 401);
    const Reply good = attempt("good");
    INFO(good.body);
    CHECK(good.status == 302);  // the simulator itself is right: only the defects below are refused
    CHECK(attempt("es256").status == 302);
    for (const std::string mode :
         {"expired", "wrong-signature", "wrong-issuer", "wrong-audience", "wrong-nonce", "alg-none", "hs256"}) {
        const Reply r = attempt(mode);
        INFO(mode << ": " << r.body);
        CHECK(r.status == 401);
        CHECK(r.header("set-cookie").empty());
        CHECK(r.header("content-type").starts_with("application/problem+json"));
    }
    const Reply no_roles = attempt("no-roles");
    CHECK(no_roles.status == 403);
    CHECK(no_roles.header("set-cookie").empty());
}

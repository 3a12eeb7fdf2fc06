// HTTPS through OpenSSL: the service answers over TLS 1.2 or newer with the configured
// certificate, and refuses clients that offer only older protocols or only suites that are not
// forward-secret AEAD (RSA key exchange, CBC).
#include <catch2/catch.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timestamp.h>

#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;

SCENARIO("signals over HTTPS", "[ingest][tls]") {
    Poco::Net::initializeSSL();
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.tls = true;
    ServiceProcess service(store, dir.path(), options);
    REQUIRE(service.base_url().starts_with("https://"));

    WHEN("a client trusts the service's certificate") {
        eenplan::integration::WebhookSender sender(
            {service.signals_url("school-a"), service.ca_file(), std::chrono::seconds(10)});
        const std::string body =
            R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" +
            eenplan::simulators::synthetic_bsn(11) +
            R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
        THEN("the signal is accepted") {
            CHECK(sender.post("msg_tls", Poco::Timestamp().epochTime(), body, school_a().secret_bytes()).status == 202);
        }
    }
    WHEN("a client offers only TLS 1.1") {
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_NONE;
        Poco::Net::Context::Ptr old = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        old->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 | Poco::Net::Context::PROTO_TLSV1_3);
        Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(service.port()), old);
        THEN("the handshake fails") {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz");
            CHECK_THROWS(session.sendRequest(request));
        }
    }
    Poco::Net::uninitializeSSL();
}

namespace {

// openssl s_client's handshake with the service offering only `options`: true when it completes.
bool handshake(const ServiceProcess& service, const std::string& options) {
    const std::string out = run_command("openssl s_client -connect 127.0.0.1:" + std::to_string(service.port()) + " " +
                                        options + " </dev/null >/dev/null 2>&1 && echo accepted || echo refused");
    return out.starts_with("accepted");
}

}  // namespace

SCENARIO("the service accepts forward-secret AEAD suites only", "[ingest][tls][security]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.tls = true;
    ServiceProcess service(store, dir.path(), options);

    WHEN("a TLS 1.2 client offers only a suite with RSA key exchange and CBC") {
        THEN("the handshake is refused") { CHECK_FALSE(handshake(service, "-tls1_2 -cipher AES128-SHA")); }
    }
    WHEN("a TLS 1.2 client offers only ECDHE with CBC") {
        THEN("the handshake is refused") {
            CHECK_FALSE(handshake(service, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384"));
        }
    }
    WHEN("a TLS 1.2 client offers ECDHE with AES-GCM") {
        THEN("the handshake completes") { CHECK(handshake(service, "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256")); }
    }
    WHEN("a TLS 1.2 client offers ECDHE with ChaCha20-Poly1305") {
        THEN("the handshake completes") { CHECK(handshake(service, "-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305")); }
    }
    WHEN("a TLS 1.3 client connects") {
        THEN("the handshake completes") { CHECK(handshake(service, "-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384")); }
    }
    WHEN("a client offers only TLS 1.1") {
        THEN("the handshake is refused") { CHECK_FALSE(handshake(service, "-tls1_1")); }
    }
}

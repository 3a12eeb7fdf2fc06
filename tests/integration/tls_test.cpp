// HTTPS through OpenSSL: the service answers over TLS 1.2 or newer with the configured
// certificate, and refuses clients that offer only older protocols.
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

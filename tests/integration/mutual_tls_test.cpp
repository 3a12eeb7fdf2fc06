// Mutual TLS per source against the real binary: with listen.tls.client_ca_file the service asks
// clients for a certificate; a source with client_certificate is accepted only over a connection
// that presented its certificate (by subject or SHA-256 fingerprint), anything else is 401
// problem+json and nothing is stored. Certificates are made by openssl in the test.
#include <catch2/catch.hpp>

#include <Poco/Timestamp.h>

#include "eenplan/core/standard_webhooks.hpp"
#include "support/files.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;

namespace {

const std::string ec_key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1";

// A client certificate with `subject` issued by the test CA in `dir` (or self-signed when `ca` is
// false); files <name>.crt and <name>.key.
void make_client_certificate(const std::filesystem::path& dir, const std::string& name, const std::string& subject,
                             bool ca = true) {
    const std::string base = (dir / name).string();
    if (ca) {
        run_command("openssl req " + ec_key + " -subj '" + subject + "' -keyout '" + base + ".key' -out '" + base +
                    ".csr' 2>/dev/null");
        run_command("openssl x509 -req -in '" + base + ".csr' -CA '" + (dir / "ca.crt").string() + "' -CAkey '" +
                    (dir / "ca.key").string() + "' -CAcreateserial -days 1 -out '" + base + ".crt' 2>/dev/null");
    } else {
        run_command("openssl req -x509 " + ec_key + " -subj '" + subject + "' -keyout '" + base + ".key' -out '" +
                    base + ".crt' 2>/dev/null");
    }
    make_private(base + ".key");
}

std::string fingerprint(const std::filesystem::path& certificate) {
    // "sha256 Fingerprint=AB:CD:..." (the setting takes it with or without the colons)
    std::string line = run_command("openssl x509 -in '" + certificate.string() + "' -noout -fingerprint -sha256");
    line = line.substr(line.find('=') + 1);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
}

struct Answer {
    std::string status;  // "000" when the handshake failed
    std::string content_type;
};

// A signed enrolment for `source` over curl, with the client certificate `name` (none when empty).
Answer post_signal(const ServiceProcess& service, const std::filesystem::path& dir, const TestSource& source,
                   const std::string& name, std::uint32_t child) {
    const std::string body =
        R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" +
        eenplan::simulators::synthetic_bsn(child) +
        R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
    write_file(dir / "body.json", body);
    const std::string id = "msg_mtls_" + std::to_string(child);
    const auto ts = Poco::Timestamp().epochTime();
    const std::string signature = eenplan::webhooks::sign(source.secret_bytes(), id, ts, body);
    std::string command =
        "curl -s -o /dev/null -w '%{http_code} %{content_type}' --cacert '" + service.ca_file().value() + "'";
    if (!name.empty()) {
        command +=
            " --cert '" + (dir / (name + ".crt")).string() + "' --key '" + (dir / (name + ".key")).string() + "'";
    }
    command += " -H 'content-type: application/json' -H 'webhook-id: " + id +
               "' -H 'webhook-timestamp: " + std::to_string(ts) + "' -H 'webhook-signature: " + signature +
               "' --data-binary @'" + (dir / "body.json").string() + "' '" + service.signals_url(source.id) +
               "' || true";
    const std::string out = run_command(command);
    const auto space = out.find(' ');
    return {out.substr(0, space), space == std::string::npos ? "" : out.substr(space + 1)};
}

}  // namespace

SCENARIO("a source may require its client certificate", "[security][tls]") {
    TempDir dir;
    run_command("openssl req -x509 " + ec_key + " -subj /CN=eenplan-test-clients-ca -keyout '" +
                (dir.path() / "ca.key").string() + "' -out '" + (dir.path() / "ca.crt").string() + "' 2>/dev/null");
    make_client_certificate(dir.path(), "school-a", "/C=NL/O=OBS De Regenboog/CN=school-a");
    make_client_certificate(dir.path(), "school-b", "/C=NL/O=CBS Het Kompas/CN=school-b");
    make_client_certificate(dir.path(), "intruder", "/C=NL/O=Elsewhere/CN=intruder");
    make_client_certificate(dir.path(), "forged", "/C=NL/O=OBS De Regenboog/CN=school-a", false);

    TestStore store(dir.path());
    ServiceOptions options;
    options.tls = true;
    options.tls_extra = "    client_ca_file: ca.crt\n";
    TestSource a = school_a();
    a.extra = "    client_certificate: {subject: \"CN=school-a,O=OBS De Regenboog,C=NL\"}\n";
    TestSource b = school_b();
    b.extra = "    client_certificate: {sha256: \"" + fingerprint(dir.path() / "school-b.crt") + "\"}\n";
    TestSource open{"school-open", {"whsec_dGhlLW9wZW4tc2Nob29sLXNlY3JldC0xMjM0NTY="}};
    options.sources = {a, b, open};
    ServiceProcess service(store, dir.path(), options);

    WHEN("school-a sends over a connection with its certificate (matched by subject)") {
        THEN("the signal is accepted") { CHECK(post_signal(service, dir.path(), a, "school-a", 101).status == "202"); }
    }
    WHEN("school-b sends with its certificate (matched by fingerprint)") {
        THEN("the signal is accepted") { CHECK(post_signal(service, dir.path(), b, "school-b", 102).status == "202"); }
    }
    WHEN("a correctly signed signal for school-a comes without a client certificate") {
        const Answer answer = post_signal(service, dir.path(), a, "", 103);
        THEN("it is refused with 401 problem+json and nothing is stored") {
            CHECK(answer.status == "401");
            CHECK(answer.content_type == "application/problem+json");
            CHECK(store.count("signals") == 0);
            CHECK_THAT(service.log_text(), Catch::Contains("source.client_certificate_refused"));
        }
    }
    WHEN("it comes with another client's certificate from the same CA") {
        THEN("it is refused for school-a (subject) and for school-b (fingerprint)") {
            CHECK(post_signal(service, dir.path(), a, "intruder", 104).status == "401");
            CHECK(post_signal(service, dir.path(), b, "school-a", 105).status == "401");
            CHECK(store.count("signals") == 0);
        }
    }
    WHEN("it comes with a self-signed certificate copying school-a's subject") {
        THEN("the handshake itself fails: the certificate does not chain to the configured CA") {
            CHECK(post_signal(service, dir.path(), a, "forged", 106).status == "000");
            CHECK(store.count("signals") == 0);
        }
    }
    WHEN("a source without the rule sends without a certificate") {
        THEN("it is accepted as before") { CHECK(post_signal(service, dir.path(), open, "", 107).status == "202"); }
    }
}

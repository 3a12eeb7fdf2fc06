// The key server (eenplan-keyserver) as a separate process over mutual TLS: it converts only for a
// client whose certificate it knows, only to that client's domains, and logs and counts without
// an identity or an encryption. The hub, holding no master key, converts through it: a plain BSN
// and an encryption of it land on one pupil; while the key server is away ingest answers 503 with
// Retry-After and stores nothing, and takes the same signal once it is back. A hub configured with
// both a master key and a key server does not start.
#include <catch2/catch.hpp>

#include <thread>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "eenplan/core/polymorphic.hpp"
#include "outbound/http_client.hpp"
#include "outbound/webhook_sender.hpp"
#include "support/files.hpp"
#include "support/keyserver_process.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;
using eenplan::integration::ClientIdentity;
using eenplan::integration::HttpReply;
using eenplan::integration::KeepAliveClient;
using eenplan::integration::WebhookSender;

namespace {

std::string encrypt(const std::string& public_key_hex, const std::string& bsn) {
    auto key = eenplan::PolymorphicPublicKey::from_bytes(eenplan::hex_decode(public_key_hex).value(), "").value();
    auto number = eenplan::PersonNumber::parse(eenplan::PersonNumberKind::bsn, bsn, "").value();
    return eenplan::encrypt_at_source(key, number).to_string();
}

std::string conversion(const std::string& domain, const std::vector<std::string>& encryptions) {
    std::string list;
    for (const std::string& e : encryptions) list += (list.empty() ? "\"" : ",\"") + e + "\"";
    return R"({"domain":")" + domain + R"(","encryptions":[)" + list + "]}";
}

// A request to the key server as `client` ("hub", "org-a", "stranger"), or without a certificate.
HttpReply ask(const KeyServerProcess& ks, const std::string& client, const std::string& method, const std::string& path,
              const std::string& body = "") {
    std::optional<ClientIdentity> identity;
    if (!client.empty()) {
        identity = ClientIdentity{ks.file(client + ".crt").string(), ks.file(client + ".key").string()};
    }
    KeepAliveClient http(ks.url(), ks.file("keyserver-tls.crt").string(), std::chrono::seconds(10), identity);
    return http.send(method, path, {{"content-type", "application/json"}}, body);
}

// The pseudonyms a recipient decrypts from a key server's answer, with its key from `key_file`.
std::vector<std::string> decrypt_all(const std::string& answer, const std::string& domain,
                                     const std::filesystem::path& key_file) {
    std::string hex = read_file(key_file);
    while (!hex.empty() && hex.back() == '\n') hex.pop_back();
    const auto key = eenplan::RecipientKey::from_bytes(domain, eenplan::hex_decode(hex).value(), "").value();
    const auto object = Poco::JSON::Parser().parse(answer).extract<Poco::JSON::Object::Ptr>();
    std::vector<std::string> out;
    const auto list = object->getArray("encryptions");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto c =
            eenplan::PolymorphicCiphertext::parse(list->getElement<std::string>(static_cast<unsigned>(i)), "");
        out.push_back(eenplan::decrypt(key, c.value()).value());
    }
    return out;
}

std::string enrolment(const std::string& subject_json) {
    return R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":)" + subject_json +
           R"(,"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
}

std::vector<std::pair<std::string, std::string>> stored_subjects(const TestStore& store) {
    auto sql = store.session();
    soci::rowset<soci::row> rows =
        (sql->prepare << "SELECT subject_kind, subject_pseudonym FROM signals ORDER BY received_at_us");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& row : rows) out.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
    return out;
}

}  // namespace

SCENARIO("the key server converts only for known client certificates, to their own domains", "[identity][tls]") {
    TempDir dir;
    KeyServerProcess ks(dir.path());
    const std::string bsn = eenplan::simulators::synthetic_bsn(31);
    const std::string other = eenplan::simulators::synthetic_bsn(32);
    const std::vector<std::string> batch{encrypt(ks.public_key(), bsn), encrypt(ks.public_key(), bsn),
                                         encrypt(ks.public_key(), other)};

    WHEN("a client presents no certificate") {
        const HttpReply r = ask(ks, "", "POST", "/v1/convert", conversion("hub", batch));
        THEN("it is refused with 401 problem+json") {
            CHECK(r.status == 401);
            CHECK(r.headers.at("content-type").starts_with("application/problem+json"));
        }
    }
    WHEN("a certificate of the right CA that no client is configured with is presented") {
        CHECK(ask(ks, "stranger", "POST", "/v1/convert", conversion("hub", batch)).status == 403);
    }
    WHEN("a client asks for a domain it may not") {
        const HttpReply r = ask(ks, "org-a", "POST", "/v1/convert", conversion("hub", batch));
        CHECK(r.status == 403);
        CHECK_THAT(r.body, Catch::Contains("may not convert to this domain"));
    }
    WHEN("the hub converts a batch to its own domain") {
        const HttpReply r = ask(ks, "hub", "POST", "/v1/convert", conversion("hub", batch));
        REQUIRE(r.status == 200);
        const auto pseudonyms = decrypt_all(r.body, "hub", ks.file("hub-recipient.key"));
        THEN("one answer per encryption, in order; the hub's key opens them to stable pseudonyms") {
            REQUIRE(pseudonyms.size() == 3);
            CHECK(pseudonyms[0].starts_with("ppd1:"));
            CHECK(pseudonyms[0] == pseudonyms[1]);  // two encryptions of one number
            CHECK(pseudonyms[0] != pseudonyms[2]);
        }
        AND_WHEN("an organisation converts the same encryptions to its domain") {
            const HttpReply o = ask(ks, "org-a", "POST", "/v1/convert", conversion("org:org-a", batch));
            REQUIRE(o.status == 200);
            write_secret_file(ks.file("org-a-recipient.key"),
                              run_command("'" + keys_binary() + "' recipient-key '" + ks.file("master.yaml").string() +
                                          "' org:org-a"));
            const auto theirs = decrypt_all(o.body, "org:org-a", ks.file("org-a-recipient.key"));
            THEN("it gets its own pseudonym, not the hub's, and the hub's key cannot open its answer") {
                CHECK(theirs[0] == theirs[1]);
                CHECK(theirs[0] != pseudonyms[0]);
                CHECK_THROWS(decrypt_all(o.body, "hub", ks.file("hub-recipient.key")));
            }
        }
        THEN("the log and the metrics hold counts per client and domain, never a number or an encryption") {
            const std::string log = ks.log_text();
            const HttpReply metrics = ask(ks, "hub", "GET", "/metrics");
            REQUIRE(metrics.status == 200);
            CHECK_THAT(metrics.body,
                       Catch::Contains(R"(eenplan_keyserver_conversions_total{client="hub",domain="hub"} 3)"));
            CHECK_THAT(log, Catch::Contains(R"("count":"3","client_id":"hub","domain":"hub")"));
            for (const std::string& text : {log, metrics.body}) {
                CHECK_THAT(text, !Catch::Contains(bsn) && !Catch::Contains(other) && !Catch::Contains("pp1:") &&
                                     !Catch::Contains(batch[0].substr(4, 40)));
            }
        }
    }
    WHEN("a client sends more than its rate limit (org-a: burst 3, 1 per second)") {
        int limited = 0;
        std::string retry_after;
        for (int i = 0; i < 6; ++i) {
            const HttpReply r = ask(ks, "org-a", "POST", "/v1/convert", conversion("org:org-a", {batch[0]}));
            if (r.status == 429) {
                ++limited;
                retry_after = r.headers.count("retry-after") ? r.headers.at("retry-after") : "";
            }
        }
        CHECK(limited >= 2);
        CHECK(!retry_after.empty());
    }
    WHEN("an entry is not an encryption under the key server's key") {
        const auto foreign = eenplan::PolymorphicMasterKeys::generate();
        const HttpReply r =
            ask(ks, "hub", "POST", "/v1/convert",
                conversion("hub", {batch[0], encrypt(eenplan::hex_encode(foreign.public_key().to_bytes()), bsn)}));
        THEN("422 names the entry by position, without repeating it") {
            CHECK(r.status == 422);
            CHECK_THAT(r.body, Catch::Contains("/encryptions/1") && !Catch::Contains("pp1:"));
        }
    }
    WHEN("the health and readiness endpoints are asked") {
        CHECK(ask(ks, "", "GET", "/healthz").status == 200);
        CHECK(ask(ks, "", "GET", "/readyz").status == 200);
    }
    WHEN("the metrics are asked without a certificate, or by a client not allowed to read them") {
        CHECK(ask(ks, "", "GET", "/metrics").status == 401);
        CHECK(ask(ks, "stranger", "GET", "/metrics").status == 403);
        CHECK(ask(ks, "org-a", "GET", "/metrics").status == 403);
        CHECK(ask(ks, "hub", "GET", "/metrics").status == 200);
    }
}

SCENARIO("a client certificate revoked with eenplan-keys is refused by a key server reading the CRL",
         "[identity][tls]") {
    TempDir dir;
    KeyServerProcess ks(dir.path());
    const std::vector<std::string> one{encrypt(ks.public_key(), eenplan::simulators::synthetic_bsn(33))};
    REQUIRE(ask(ks, "org-a", "POST", "/v1/convert", conversion("org:org-a", one)).status == 200);
    const std::string keys = "'" + keys_binary() + "' ";
    const auto at = [&](const std::string& name) { return "'" + ks.file(name).string() + "' "; };
    run_command(keys + "revoke " + at("clients-ca.key") + at("clients-ca.crt") + at("crl.pem") + at("org-a.crt"));
    ks.stop();
    ks.use_crl("crl.pem");
    ks.start();

    THEN("the revoked certificate fails the handshake; the others still convert") {
        const HttpReply refused = ask(ks, "org-a", "POST", "/v1/convert", conversion("org:org-a", one));
        CHECK(refused.status == 0);
        CHECK(ask(ks, "hub", "POST", "/v1/convert", conversion("hub", one)).status == 200);
    }
    WHEN("the list is signed anew without adding anything") {
        run_command(keys + "crl " + at("clients-ca.key") + at("clients-ca.crt") + at("crl.pem"));
        ks.stop();
        ks.start();
        THEN("the revocation stays") {
            CHECK(ask(ks, "org-a", "POST", "/v1/convert", conversion("org:org-a", one)).status == 0);
            CHECK(ask(ks, "hub", "POST", "/v1/convert", conversion("hub", one)).status == 200);
        }
    }
    WHEN("a certificate of another CA is to be revoked") {
        TempDir other;
        const auto in = [&](const std::string& name) { return "'" + (other.path() / name).string() + "' "; };
        run_command(keys + "ca " + in("ca.key") + in("ca.crt") + "'CN=other CA'");
        THEN("eenplan-keys refuses") {
            CHECK_THROWS(run_command(keys + "revoke " + in("ca.key") + in("ca.crt") + in("crl.pem") + at("hub.crt") +
                                     "2>/dev/null"));
        }
    }
}

SCENARIO("the hub without master keys links plain and encrypted numbers through the key server", "[identity]") {
    TempDir ks_dir;
    KeyServerProcess ks(ks_dir.path());
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.keys_extra = ks.hub_keys_yaml();
    ServiceProcess service(store, dir.path(), options);
    WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
    auto send = [&](const std::string& id, const std::string& body) {
        return sender.post(id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes());
    };
    const std::string bsn = eenplan::simulators::synthetic_bsn(41);
    const std::string sibling = eenplan::simulators::synthetic_bsn(42);
    const auto polymorphic = [&](const std::string& number) {
        return R"({"polymorphic":")" + encrypt(ks.public_key(), number) + R"("})";
    };

    REQUIRE(send("msg_plain", enrolment(R"({"bsn":")" + bsn + R"("})")).status == 202);
    REQUIRE(send("msg_pp1", enrolment(polymorphic(bsn))).status == 202);
    REQUIRE(send("msg_pp2", enrolment(polymorphic(bsn))).status == 202);
    REQUIRE(send("msg_sibling", enrolment(polymorphic(sibling))).status == 202);

    THEN("the plain number and its encryptions land on one pupil, another child elsewhere") {
        const auto subjects = stored_subjects(store);
        REQUIRE(subjects.size() == 4);
        CHECK(subjects[0].first == "bsn");
        CHECK(subjects[1].first == "polymorphic");
        CHECK(subjects[0].second.starts_with("kp1:1:"));
        CHECK(subjects[1].second == subjects[0].second);
        CHECK(subjects[2].second == subjects[0].second);
        CHECK(subjects[3].second != subjects[0].second);
    }
    THEN("the hub's settings hold no master key, and each request cost one conversion round trip") {
        const std::string settings = read_file(service.config_file());
        CHECK_THAT(settings, !Catch::Contains("polymorphic_master_key") && !Catch::Contains("master.yaml"));
        const std::string log = ks.log_text();
        std::size_t batches = 0;
        for (auto at = log.find("batch.converted"); at != std::string::npos; at = log.find("batch.converted", at + 1)) {
            ++batches;
        }
        CHECK(batches == 4);
        CHECK_THAT(log, !Catch::Contains(bsn) && !Catch::Contains(sibling) && !Catch::Contains("pp1:"));
        CHECK_THAT(service.log_text(), !Catch::Contains(bsn) && !Catch::Contains(sibling));
    }
    WHEN("more signals arrive at once than the hub has connections to the key server (2 of 2 threads)") {
        std::vector<std::thread> senders;
        std::vector<int> statuses(6, 0);
        for (int i = 0; i < 6; ++i) {
            senders.emplace_back([&, i] {
                WebhookSender own({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
                statuses[static_cast<std::size_t>(i)] =
                    own.post("msg_burst_" + std::to_string(i), Poco::Timestamp().epochTime(),
                             enrolment(R"({"bsn":")" + eenplan::simulators::synthetic_bsn(50 + i) + R"("})"),
                             school_a().secret_bytes())
                        .status;
            });
        }
        for (std::thread& t : senders) t.join();
        THEN("they wait for a connection in turn and every one is taken") {
            CHECK(statuses == std::vector<int>(6, 202));
        }
    }
    WHEN("the key server is stopped") {
        ks.stop();
        const long long before = store.count("signals");
        const auto r = send("msg_outage", enrolment(R"({"bsn":")" + bsn + R"("})"));
        THEN("ingest answers 503 problem+json with Retry-After and stores nothing") {
            CHECK(r.status == 503);
            CHECK(r.headers.count("retry-after") == 1);
            CHECK_THAT(r.body, Catch::Contains("key-server-unavailable"));
            CHECK(store.count("signals") == before);
        }
        AND_WHEN("it is started again") {
            ks.start();
            const auto again = send("msg_outage", enrolment(R"({"bsn":")" + bsn + R"("})"));
            THEN("the same signal is taken, on the same pupil, without restarting the hub") {
                CHECK(again.status == 202);
                const auto subjects = stored_subjects(store);
                REQUIRE(subjects.size() == 5);
                CHECK(subjects[4].second == subjects[0].second);
            }
        }
    }
}

SCENARIO("the hub's recipient key is rotated while the hub keeps linking to the same pupils", "[identity]") {
    TempDir ks_dir;
    KeyServerProcess ks(ks_dir.path());
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.keys_extra = ks.hub_keys_yaml();
    ServiceProcess service(store, dir.path(), options);
    int sent = 0;
    const std::string bsn = eenplan::simulators::synthetic_bsn(61);
    auto send = [&] {
        // On the port the hub listens on now (a restart may move it).
        WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        return sender
            .post("msg_rot_" + std::to_string(++sent), Poco::Timestamp().epochTime(),
                  enrolment(R"({"bsn":")" + bsn + R"("})"), school_a().secret_bytes())
            .status;
    };
    REQUIRE(send() == 202);
    const std::string old_key = ks.file("hub-recipient.key").string();
    const std::string new_key = ks.file("hub-recipient-2.key").string();
    write_secret_file(
        new_key, run_command("'" + keys_binary() + "' recipient-key '" + ks.file("master.yaml").string() + "' hub 2"));
    CHECK(read_file(new_key) != read_file(old_key));
    const std::string settings = read_file(service.config_file());
    const auto with_keys = [&](const std::string& current, const std::string& previous) {
        std::string text = settings;
        const std::string line = "recipient_key_file: " + old_key + "\n";
        REQUIRE(text.find(line) != std::string::npos);
        text.replace(text.find(line), line.size(),
                     "recipient_key_file: " + current + "\n" +
                         (previous.empty() ? std::string() : "    previous_recipient_key_files: [" + previous + "]\n"));
        service.stop();
        write_file(service.config_file(), text);
        service.start();
    };

    WHEN("the hub is given the new key with the old one beside it, and then the key server moves to version 2") {
        with_keys(new_key, old_key);
        CHECK(send() == 202);  // the key server still converts for version 1
        ks.stop();
        ks.use_key_versions("{hub: 2}");
        ks.start();
        CHECK(send() == 202);  // now for version 2
        AND_WHEN("the old key is removed from the hub") {
            with_keys(new_key, "");
            CHECK(send() == 202);
            THEN("every signal landed on the one pupil") {
                const auto subjects = stored_subjects(store);
                REQUIRE(subjects.size() == 4);
                for (const auto& s : subjects) CHECK(s.second == subjects[0].second);
            }
        }
    }
    WHEN("the key server moves to version 2 while the hub holds only the old key") {
        ks.stop();
        ks.use_key_versions("{hub: 2}");
        ks.start();
        THEN("the hub cannot open the conversions: 503, to come again, and nothing is stored") {
            CHECK(send() == 503);
            CHECK(stored_subjects(store).size() == 1);
        }
    }
}

SCENARIO("a hub configured with both a master key and a key server does not start", "[identity][config]") {
    TempDir ks_dir;
    KeyServerProcess ks(ks_dir.path());
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.polymorphic = true;  // keys.polymorphic_master_key: a hub that converts itself
    ServiceProcess service(store, dir.path(), options);
    service.stop();
    const std::string master_line = "  polymorphic_master_key: master.yaml\n";
    const std::string with_master = read_file(service.config_file());
    REQUIRE(with_master.find(master_line) != std::string::npos);
    std::string both = with_master;
    both.insert(both.find(master_line) + master_line.size(), ks.hub_keys_yaml());

    WHEN("keys.keyserver is added beside the master key") {
        write_file(service.config_file(), both);
        const auto [code, output] = run_service_once(service.config_file(), "--check-config");
        THEN("the settings are refused at /keys") {
            CHECK(code == 78);
            CHECK_THAT(output, Catch::Contains("/keys"));
        }
    }
    WHEN("the master key is taken out, leaving the key server") {
        std::string only_keyserver = both;
        only_keyserver.erase(only_keyserver.find(master_line), master_line.size());
        write_file(service.config_file(), only_keyserver);
        const auto [code, output] = run_service_once(service.config_file(), "--check-config");
        THEN("the same settings pass") { CHECK(code == 0); }
    }
}

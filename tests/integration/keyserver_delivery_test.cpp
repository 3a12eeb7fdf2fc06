// Recipients' own polymorphic pseudonyms, with the key server as a separate process over mutual
// TLS: the hub keeps each pupil's polymorphic encryption and, when a task leaves, has the key server
// convert it to the recipient's domain. The recipient decrypts it (eenplan-keys decrypt) into the
// same pseudonym it gets from its own polymorphic input; another recipient gets another one; the
// hub's own key opens neither, and while the key server is away the task waits and goes out once it
// is back.
#include <catch2/catch.hpp>

#include <thread>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include "eenplan/core/polymorphic.hpp"
#include "outbound/http_client.hpp"
#include "outbound/webhook_sender.hpp"
#include "support/files.hpp"
#include "support/keyserver_process.hpp"
#include "support/service_process.hpp"
#include "support/simulator_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;

namespace {

constexpr const char* receiver_secret = "whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ=";

Poco::JSON::Object::Ptr object_of(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

std::string encrypt(const std::string& public_key_hex, const std::string& bsn) {
    auto key = eenplan::PolymorphicPublicKey::from_bytes(eenplan::hex_decode(public_key_hex).value(), "").value();
    auto number = eenplan::PersonNumber::parse(eenplan::PersonNumberKind::bsn, bsn, "").value();
    return eenplan::encrypt_at_source(key, number).to_string();
}

// What a recipient gets from `eenplan-keys decrypt` with its key for `domain`: a pseudonym, or "-".
std::string decrypt_with_tool(const std::filesystem::path& key_file, const std::string& domain,
                              const std::string& encryption) {
    return trimmed(run_command("printf '%s\\n' '" + encryption + "' | '" + keys_binary() + "' decrypt '" +
                               key_file.string() + "' '" + domain + "' || true"));
}

struct PolymorphicHub {
    TempDir ks_dir;
    KeyServerProcess ks{ks_dir.path()};
    SimulatorProcess receiver{EENPLAN_WEBHOOK_RECEIVER, {"--secret", receiver_secret}};
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service{store, dir.path(), options()};
    const std::string admin = admin_token("beheerder@eenplan", {"admin"});

    ServiceOptions options() const {
        ServiceOptions o;
        o.keys_extra = ks.hub_keys_yaml();
        const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/eenplan/tasks";
        std::string recipients = "recipients:\n";
        for (const char* id : {"org-a", "org-b"}) {
            recipients += std::string("  - id: ") + id + "\n    name: " + id +
                          "\n    connector: webhook\n    url: " + url + "\n    secret: \"" + receiver_secret +
                          "\"\n    timeout_ms: 2000\n    retry: {schedule_seconds: [1, 1, 1], max_age_seconds: 5}\n";
        }
        o.extra_config = "delivery:\n  dispatcher_threads: 1\n  batch_size: 50\n  poll_interval_ms: 50\n" + recipients;
        return o;
    }

    // A recipient's own decryption key for its domain, as the key server's operator issues it.
    std::filesystem::path recipient_key(const std::string& domain) const {
        const auto path = ks.file(domain.substr(4) + "-recipient.key");
        if (!std::filesystem::exists(path)) {
            write_secret_file(path, run_command("'" + keys_binary() + "' recipient-key '" +
                                                ks.file("master.yaml").string() + "' " + domain));
        }
        return path;
    }

    std::string pupil(const std::string& subject_json, const std::string& webhook_id) const {
        eenplan::integration::WebhookSender sender(
            {service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        const std::string body =
            R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":)" + subject_json +
            R"(,"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
        const auto r = sender.post(webhook_id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes());
        if (r.status != 202) throw std::runtime_error("signal refused: " + r.body);
        auto sql = store.session();
        std::string pseudonym;
        *sql << "SELECT subject_pseudonym FROM signals WHERE webhook_id = :w", soci::use(webhook_id),
            soci::into(pseudonym);
        return pseudonym;
    }

    std::string create_task(const std::string& recipient, const std::string& pupil_pseudonym) const {
        const auto r = service.request("POST", "/v1/tasks",
                                       R"({"type":"adviestafel.aanmelden","recipient":")" + recipient +
                                           R"(","pupil":")" + pupil_pseudonym +
                                           R"(","due_date":"2026-12-14","reason":"verzuim","reference":"plan/1"})",
                                       admin);
        if (r.status != 201) throw std::runtime_error("task refused: " + r.body);
        return object_of(r.body)->getValue<std::string>("delivery_id");
    }

    std::string state_of(const std::string& delivery_id) const {
        const auto r = service.request("GET", "/v1/deliveries/" + delivery_id, "", admin);
        return object_of(r.body)->getValue<std::string>("state");
    }

    // Every task the receiver accepted, in order of arrival.
    Poco::JSON::Array::Ptr received() const {
        return Poco::JSON::Parser()
            .parse(http_call(receiver.port(), "GET", "/tasks").body)
            .extract<Poco::JSON::Array::Ptr>();
    }
    std::string subject_of(const std::string& delivery_id) const {
        const auto tasks = received();
        std::string task_id;
        *store.session() << "SELECT task_id FROM deliveries WHERE delivery_id = :d", soci::use(delivery_id),
            soci::into(task_id);
        for (std::size_t i = 0; i < tasks->size(); ++i) {
            const auto task = tasks->getObject(static_cast<unsigned>(i));
            if (task->getValue<std::string>("task_id") == task_id) return task->getValue<std::string>("subject");
        }
        return {};
    }
};

}  // namespace

SCENARIO("a task's pseudonym is converted for its recipient by the key server, and only the recipient opens it",
         "[identity][delivery]") {
    PolymorphicHub hub;
    const std::string bsn = eenplan::simulators::synthetic_bsn(71);
    const std::string pupil = hub.pupil(R"({"bsn":")" + bsn + R"("})", "msg_plain_71");
    const std::string other = hub.pupil(R"({"bsn":")" + eenplan::simulators::synthetic_bsn(72) + R"("})", "msg_72");
    REQUIRE(pupil.starts_with("kp1:"));

    THEN("the hub keeps the pupil's encryption for the key server, a different one per pupil row") {
        auto sql = hub.store.session();
        std::string mine, theirs;
        *sql << "SELECT polymorphic FROM pupil_identifiers WHERE pseudonym = :p", soci::use(pupil), soci::into(mine);
        *sql << "SELECT polymorphic FROM pupil_identifiers WHERE pseudonym = :p", soci::use(other), soci::into(theirs);
        CHECK(mine.starts_with("pp1:"));
        CHECK(theirs.starts_with("pp1:"));
        CHECK(mine != theirs);
    }
    WHEN("a task for the pupil leaves for org-a and one for org-b") {
        const std::string to_a = hub.create_task("org-a", pupil);
        const std::string to_b = hub.create_task("org-b", pupil);
        const std::string again_a = hub.create_task("org-a", pupil);
        REQUIRE(eventually([&] { return hub.received()->size() == 3; }, 20));
        const std::string subject_a = hub.subject_of(to_a);
        const std::string subject_b = hub.subject_of(to_b);
        const std::string subject_again = hub.subject_of(again_a);
        REQUIRE(subject_a.starts_with("pp1:"));

        const std::string pseudonym_a = decrypt_with_tool(hub.recipient_key("org:org-a"), "org:org-a", subject_a);
        const std::string pseudonym_b = decrypt_with_tool(hub.recipient_key("org:org-b"), "org:org-b", subject_b);
        THEN("org-a decrypts the same pseudonym it derives from its own polymorphic input") {
            // org-a's own source encrypts the number under the key server's public key and has it
            // converted to its domain with its own client certificate.
            eenplan::integration::KeepAliveClient as_org_a(
                hub.ks.url(), hub.ks.file("keyserver-tls.crt").string(), std::chrono::seconds(10),
                eenplan::integration::ClientIdentity{hub.ks.file("org-a.crt").string(),
                                                     hub.ks.file("org-a.key").string()});
            const auto converted =
                as_org_a.send("POST", "/v1/convert", {{"content-type", "application/json"}},
                              R"({"domain":"org:org-a","encryptions":[")" + encrypt(hub.ks.public_key(), bsn) + "\"]}");
            REQUIRE(converted.status == 200);
            const std::string own = object_of(converted.body)->getArray("encryptions")->getElement<std::string>(0);
            CHECK(pseudonym_a.starts_with("ppd1:"));
            CHECK(decrypt_with_tool(hub.recipient_key("org:org-a"), "org:org-a", own) == pseudonym_a);
            AND_THEN("a second task to org-a carries another ciphertext of the same pseudonym") {
                CHECK(subject_again != subject_a);
                CHECK(decrypt_with_tool(hub.recipient_key("org:org-a"), "org:org-a", subject_again) == pseudonym_a);
            }
        }
        THEN("org-b gets a pseudonym of its own, and neither can open the other's") {
            CHECK(pseudonym_b.starts_with("ppd1:"));
            CHECK(pseudonym_b != pseudonym_a);
            CHECK(decrypt_with_tool(hub.recipient_key("org:org-b"), "org:org-b", subject_a) == "-");
            CHECK(decrypt_with_tool(hub.recipient_key("org:org-a"), "org:org-a", subject_b) == "-");
        }
        THEN("the hub's own key opens neither, and the hub's store holds no recipient pseudonym") {
            CHECK(decrypt_with_tool(hub.ks.file("hub-recipient.key"), "hub", subject_a) == "-");
            auto sql = hub.store.session();
            soci::rowset<std::string> payloads = (sql->prepare << "SELECT payload FROM deliveries");
            for (const std::string& payload : payloads) {
                CHECK(payload.find(pseudonym_a) == std::string::npos);
                CHECK(payload.find(pseudonym_b) == std::string::npos);
                CHECK(payload.find(subject_a) == std::string::npos);
            }
            CHECK(hub.service.log_text().find(pseudonym_a) == std::string::npos);
        }
    }
    WHEN("the key server is stopped and a task is created") {
        hub.ks.stop();
        const std::string waiting = hub.create_task("org-a", pupil);
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        THEN(
            "nothing leaves the hub and the delivery waits, longer than its retry schedule allows, without an "
            "attempt") {
            CHECK(hub.received()->size() == 0);
            CHECK(hub.state_of(waiting) == "pending");
            CHECK(hub.service.log_text().find("delivery.keyserver_unavailable") != std::string::npos);
            AND_WHEN("the key server is started again") {
                std::this_thread::sleep_for(std::chrono::milliseconds(3000));  // past max_age_seconds: 5
                hub.ks.start();
                THEN("the task goes out by itself with org-a's pseudonym") {
                    REQUIRE(eventually([&] { return hub.state_of(waiting) == "delivered"; }, 40));
                    CHECK(hub.received()->size() == 1);
                    const std::string pseudonym =
                        decrypt_with_tool(hub.recipient_key("org:org-a"), "org:org-a", hub.subject_of(waiting));
                    CHECK(pseudonym.starts_with("ppd1:"));
                }
            }
        }
    }
}

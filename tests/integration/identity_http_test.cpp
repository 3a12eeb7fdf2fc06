// Identity through the real service: a pupil sent as a plain BSN and as a polymorphic ciphertext
// made at the source links to one hub pseudonym; ciphertexts the hub cannot open are refused; and
// after a key rotation the re-pseudonymisation job moves every stored value to the new version
// while keeping the pupil linked, without any number.
#include <catch2/catch.hpp>

#include <Poco/Timestamp.h>

#include "eenplan/core/polymorphic.hpp"
#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;
using eenplan::integration::WebhookSender;

namespace {

std::string enrolment(const std::string& subject_json) {
    return R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":)" + subject_json +
           R"(,"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})";
}

std::string polymorphic_subject(const std::string& public_key_hex, const std::string& bsn) {
    auto key = eenplan::PolymorphicPublicKey::from_bytes(eenplan::hex_decode(public_key_hex).value(), "").value();
    auto number = eenplan::PersonNumber::parse(eenplan::PersonNumberKind::bsn, bsn, "").value();
    return R"({"polymorphic":")" + eenplan::encrypt_at_source(key, number).to_string() + R"("})";
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

SCENARIO("plain and polymorphic identities of one pupil link to one hub pseudonym", "[identity]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.polymorphic = true;
    ServiceProcess service(store, dir.path(), options);
    WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
    auto send = [&](const std::string& id, const std::string& body) {
        return sender.post(id, Poco::Timestamp().epochTime(), body, school_a().secret_bytes());
    };
    const std::string bsn = eenplan::simulators::synthetic_bsn(21);
    const std::string sibling = eenplan::simulators::synthetic_bsn(22);

    REQUIRE(send("msg_plain", enrolment(R"({"bsn":")" + bsn + R"("})")).status == 202);
    REQUIRE(send("msg_pp1", enrolment(polymorphic_subject(service.polymorphic_public_key(), bsn))).status == 202);
    REQUIRE(send("msg_pp2", enrolment(polymorphic_subject(service.polymorphic_public_key(), bsn))).status == 202);
    REQUIRE(send("msg_sibling", enrolment(polymorphic_subject(service.polymorphic_public_key(), sibling))).status ==
            202);

    const auto subjects = stored_subjects(store);
    REQUIRE(subjects.size() == 4);
    CHECK(subjects[0].first == "bsn");
    CHECK(subjects[1].first == "polymorphic");
    CHECK(subjects[0].second.starts_with("kp1:1:"));
    CHECK(subjects[1].second == subjects[0].second);
    CHECK(subjects[2].second == subjects[0].second);  // a fresh encryption of the same number
    CHECK(subjects[3].second != subjects[0].second);  // another child

    THEN("a ciphertext under another hub's public key is refused at /subject/polymorphic") {
        const auto other = eenplan::PolymorphicMasterKeys::generate();
        const std::string foreign = eenplan::hex_encode(other.public_key().to_bytes());
        const auto r = send("msg_foreign", enrolment(polymorphic_subject(foreign, bsn)));
        CHECK(r.status == 422);
        CHECK_THAT(r.body, Catch::Contains("/subject/polymorphic"));
    }
    THEN("a ciphertext with a point off the curve is refused") {
        std::string garbled = polymorphic_subject(service.polymorphic_public_key(), bsn);
        garbled[20] = garbled[20] == 'A' ? 'B' : 'A';
        const auto r = send("msg_garbled", enrolment(garbled));
        CHECK(r.status == 422);
        CHECK_THAT(r.body, Catch::Contains("/subject/polymorphic"));
    }
}

SCENARIO("a hub without polymorphic keys refuses polymorphic identities", "[identity]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceProcess service(store, dir.path());
    WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
    const auto other = eenplan::PolymorphicMasterKeys::generate();
    const auto r = sender.post("msg_pp", Poco::Timestamp().epochTime(),
                               enrolment(polymorphic_subject(eenplan::hex_encode(other.public_key().to_bytes()),
                                                             eenplan::simulators::synthetic_bsn(23))),
                               school_a().secret_bytes());
    CHECK(r.status == 422);
    CHECK_THAT(r.body, Catch::Contains("not configured for polymorphic"));
    CHECK(store.count("signals") == 0);
}

SCENARIO("key rotation and re-pseudonymisation keep pupils linked", "[identity]") {
    TempDir dir;
    TestStore store(dir.path());
    ServiceProcess service(store, dir.path());
    const std::string bsn = eenplan::simulators::synthetic_bsn(31);
    auto send = [&](const std::string& id, const std::string& number) {
        WebhookSender sender({service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
        return sender.post(id, Poco::Timestamp().epochTime(), enrolment(R"({"bsn":")" + number + R"("})"),
                           school_a().secret_bytes());
    };
    for (int i = 0; i < 3; ++i) REQUIRE(send("msg_r" + std::to_string(i), bsn).status == 202);
    REQUIRE(send("msg_other", eenplan::simulators::synthetic_bsn(32)).status == 202);
    const auto before = stored_subjects(store);

    WHEN("a second key version is added and the job runs") {
        service.stop();
        service.add_key_version();
        const auto [code, output] = run_service_once(service.config_file(), "--repseudonymise");
        INFO(output);
        REQUIRE(code == 0);
        // Four signals and the two pupils' identifiers in their records.
        CHECK_THAT(output, Catch::Contains("6 migrated, 0 failed, of 6 on older versions"));
        const auto after = stored_subjects(store);
        THEN("every stored value is on version 2, and the pupils are still told apart and linked") {
            for (const auto& [kind, pseudonym] : after) CHECK(pseudonym.starts_with("kp1:2:"));
            CHECK(after[0].second == after[1].second);
            CHECK(after[0].second == after[2].second);
            CHECK(after[0].second != after[3].second);
            CHECK(after[0].second != before[0].second);
        }
        AND_THEN("a new signal for the same pupil lands on the migrated value") {
            service.start();
            REQUIRE(send("msg_after", bsn).status == 202);
            const auto latest = stored_subjects(store);
            CHECK(latest.back().second == after[0].second);
            CHECK(store.count("pupils") == 2);  // and on the pupil's existing record
        }
        AND_THEN("running the job again finds nothing to do") {
            const auto [again_code, again] = run_service_once(service.config_file(), "--repseudonymise");
            CHECK(again_code == 0);
            CHECK_THAT(again, Catch::Contains("0 migrated, 0 failed, of 0 on older versions"));
        }
    }
}

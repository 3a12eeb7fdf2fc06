// After an end-to-end run no table, log line, metric or error answer holds any person number that
// was sent, in any common rendering. The store is named by EENPLAN_TEST_STORE.
#include <catch2/catch.hpp>

#include <Poco/Timestamp.h>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "outbound/webhook_sender.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan::testing;

namespace {

// The ways a nine-digit number tends to be written or leak: as sent, without a leading zero,
// grouped as on a passport ("1234.56.789") or in threes, and its bytes in hex and base64.
std::vector<std::string> renderings(const std::string& digits) {
    std::vector<std::string> out{digits, digits.substr(0, 4) + "." + digits.substr(4, 2) + "." + digits.substr(6),
                                 digits.substr(0, 3) + " " + digits.substr(3, 3) + " " + digits.substr(6),
                                 eenplan::hex_encode(eenplan::as_bytes(digits)),
                                 eenplan::base64_encode(eenplan::as_bytes(digits))};
    if (digits[0] == '0') out.push_back(digits.substr(1));
    return out;
}

}  // namespace

SCENARIO("no person number that was sent is found anywhere", "[ingest][identity][privacy]") {
    // Once with keyed pseudonyms only, once with polymorphic keys and a subject encrypted at source.
    const bool polymorphic = GENERATE(false, true);
    INFO("polymorphic keys: " << polymorphic);
    TempDir dir;
    TestStore store(dir.path());
    ServiceOptions options;
    options.polymorphic = polymorphic;
    ServiceProcess service(store, dir.path(), options);
    eenplan::integration::WebhookSender sender(
        {service.signals_url("school-a"), std::nullopt, std::chrono::seconds(10)});
    const auto secret = school_a().secret_bytes();
    const std::int64_t now = Poco::Timestamp().epochTime();

    std::vector<std::string> sent;
    std::vector<std::string> answers;
    auto post = [&](const std::string& id, const std::string& body) {
        const auto r = sender.post(id, now, body, secret);
        answers.push_back(r.body);
        return r.status;
    };
    for (std::uint32_t i = 0; i < 5; ++i) {
        const std::string bsn = eenplan::simulators::synthetic_bsn(100 + i);
        sent.push_back(bsn);
        REQUIRE(
            post("msg_b" + std::to_string(i),
                 R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"bsn":")" + bsn +
                     R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})") ==
            202);
    }
    const std::string onr = eenplan::simulators::synthetic_onderwijsnummer(7);
    sent.push_back(onr);
    REQUIRE(post("msg_o",
                 R"({"type":"enrolment.ended","occurred_at":"2026-10-01T08:00:00Z","subject":{"onderwijsnummer":")" +
                     onr +
                     R"("},"school":{"brin":"34CD","gemeentecode":"GM0603"},)"
                     R"("data":{"end_date":"2026-10-01","reason":"verhuizing"}})") == 202);
    if (polymorphic) {
        const std::string encrypted = eenplan::simulators::synthetic_bsn(200);
        sent.push_back(encrypted);
        auto key =
            eenplan::PolymorphicPublicKey::from_bytes(eenplan::hex_decode(service.polymorphic_public_key()).value(), "")
                .value();
        const auto ciphertext = eenplan::encrypt_at_source(
            key, eenplan::PersonNumber::parse(eenplan::PersonNumberKind::bsn, encrypted, "").value());
        REQUIRE(
            post("msg_pp",
                 R"({"type":"enrolment.started","occurred_at":"2026-08-24T08:00:00Z","subject":{"polymorphic":")" +
                     ciphertext.to_string() +
                     R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"start_date":"2026-08-24"}})") ==
            202);
    }
    // Refused signals must not leave their numbers behind either.
    sent.push_back("123456789");
    CHECK(
        post(
            "msg_bad",
            R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":"123456789"},)"
            R"("school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ziekte","from":"2026-11-16"}})") ==
        422);
    const std::string unexpected = eenplan::simulators::synthetic_bsn(999);
    sent.push_back(unexpected);
    CHECK(post("msg_extra", R"({"type":"absence.reported","occurred_at":"2026-11-20T08:30:00Z","subject":{"bsn":")" +
                                unexpected +
                                R"("},"school":{"brin":"12AB","gemeentecode":"GM0518"},)"
                                R"("data":{"absence_kind":"ziekte","from":"2026-11-16",")" +
                                unexpected + R"(":"x"}})") == 422);

    const std::string metrics = service.get("/metrics").body;
    service.stop();  // flush everything the process holds
    const std::string haystack = store.everything_as_text() + service.log_text() + metrics;
    REQUIRE(haystack.find("kp1:1:") != std::string::npos);  // the scan does see the stored rows

    for (const std::string& number : sent) {
        for (const std::string& rendering : renderings(number)) {
            INFO("rendering " << rendering.size() << " characters long of a number sent");
            CHECK(haystack.find(rendering) == std::string::npos);
            for (const std::string& answer : answers) CHECK(answer.find(rendering) == std::string::npos);
        }
    }
}

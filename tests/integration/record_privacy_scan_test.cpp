// After signals with linkage attributes, a household and a move, no table, log line, metric or
// answer holds a name, birth date or postcode that was sent, nor a member's number: only
// pseudonyms and keyed encodings remain. The store is named by EENPLAN_TEST_STORE.
#include <catch2/catch.hpp>

#include "integration/record_fixture.hpp"

using namespace eenplan::testing;
using eenplan::simulators::synthetic_bsn;

SCENARIO_METHOD(RecordFixture, "no name, birth date or postcode that was sent is found anywhere", "[record][privacy]") {
    struct Person {
        std::string family, given, birth, postcode;
    };
    const std::vector<Person> people{{"Wijnaldum-Oosterhout", "Zoë Anouk", "2014-02-27", "2511XK"},
                                     {"el Haddouchi", "Yassir", "2013-11-19", "2522QZ"},
                                     {"Kwakernaak", "Fenna Liselotte", "2012-07-08", "3011WV"}};
    std::vector<std::string> answers;
    for (std::size_t i = 0; i < people.size(); ++i) {
        const Person& p = people[i];
        const std::string attributes = R"("attributes":{"family_name":")" + p.family + R"(","given_names":")" +
                                       p.given + R"(","birth_date":")" + p.birth + R"(","postcode":")" + p.postcode +
                                       R"("})";
        // Once with a number, once without, so both the deterministic and the probabilistic path run.
        answers.push_back(
            send(school_a(), enrolment(R"({"bsn":")" + synthetic_bsn(600 + static_cast<std::uint32_t>(i)) + R"(",)" +
                                       attributes + "}"))
                .body);
        answers.push_back(send(youth_team(), support_started("{" + attributes + "}")).body);
    }
    const std::string parent = synthetic_bsn(610);
    const std::string child = synthetic_bsn(600);
    answers.push_back(send(municipality(), household({{"parent", bsn_subject(parent)}, {"child", bsn_subject(child)}},
                                                     "GM0518", "2026-01-10"))
                          .body);
    answers.push_back(send(municipality(), moved(bsn_subject(parent), "GM0603", "2026-04-02")).body);
    // A refused signal must not leave its attributes behind either.
    answers.push_back(
        send(
            youth_team(),
            support_started(
                R"({"attributes":{"family_name":"Wijnaldum-Oosterhout","given_names":"Zoë Anouk","birth_date":"2014-02-27","shoe_size":"31"}})"))
            .body);

    // Reading the records through the admin API shows none of it either.
    auto sql = store.session();
    soci::rowset<std::string> pupils = (sql->prepare << "SELECT pupil_id FROM pupils");
    for (const std::string& id : pupils) answers.push_back(get("/v1/pupils/" + id, admin).body);
    answers.push_back(get("/v1/link-reviews?status=all", admin).body);

    const std::string metrics = service.get("/metrics").body;
    service.stop();
    const std::string haystack = store.everything_as_text() + service.log_text() + metrics;
    REQUIRE(haystack.find("kp1:1:") != std::string::npos);
    REQUIRE(store.count("linkage_encodings") == 6);

    std::vector<std::string> needles{parent, child};
    for (const Person& p : people) {
        const std::string compact_birth = p.birth.substr(0, 4) + p.birth.substr(5, 2) + p.birth.substr(8, 2);
        const std::string dutch_birth = p.birth.substr(8, 2) + "-" + p.birth.substr(5, 2) + "-" + p.birth.substr(0, 4);
        for (const std::string& n : {p.family, p.given, p.birth, compact_birth, dutch_birth, p.postcode,
                                     p.postcode.substr(0, 4) + " " + p.postcode.substr(4)}) {
            needles.push_back(n);
        }
    }
    for (const char* name : {"Wijnaldum", "wijnaldum", "Oosterhout", "oosterhout", "Haddouchi", "haddouchi", "Yassir",
                             "yassir", "Kwakernaak", "kwakernaak", "Liselotte", "liselotte", "Anouk", "anouk"}) {
        needles.emplace_back(name);
    }
    for (const std::string& needle : needles) {
        INFO("a value " << needle.size() << " characters long that was sent");
        CHECK(haystack.find(needle) == std::string::npos);
        for (const std::string& answer : answers) CHECK(answer.find(needle) == std::string::npos);
    }
}

// Pupil and family records through the real service, on the store named by EENPLAN_TEST_STORE:
// signals from several sources land on one pupil, siblings in PO and VO on one family, a move
// re-routes the family, a merge and its undo restore every signal to its record, a possible match
// waits for an admin, and the admin API refuses strangers and bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "integration/record_fixture.hpp"

using namespace eenplan::testing;
using eenplan::simulators::synthetic_bsn;
using eenplan::simulators::synthetic_onderwijsnummer;

namespace {

std::string attributes_subject(const std::string& family, const std::string& given, const std::string& birth,
                               const std::string& postcode, const std::string& number_json = "") {
    return "{" + number_json + (number_json.empty() ? "" : ",") + R"("attributes":{"family_name":")" + family +
           R"(","given_names":")" + given + R"(","birth_date":")" + birth + R"(","postcode":")" + postcode + R"("}})";
}

void require_problem(const HttpAnswer& r, int status, const std::string& pointer = "") {
    INFO(r.body);
    REQUIRE(r.status == status);
    CHECK(r.content_type == "application/problem+json");
    if (!pointer.empty()) CHECK_THAT(r.body, Catch::Contains(R"("pointer":")" + pointer + R"(")"));
}

}  // namespace

SCENARIO_METHOD(RecordFixture, "signals from two schools and the youth team about one child end on one record",
                "[record]") {
    const std::string bsn = synthetic_bsn(401);
    const std::string onr = synthetic_onderwijsnummer(41);
    GIVEN("a newcomer known first by onderwijsnummer at school A") {
        const auto s1 = accept(school_a(), enrolment(onr_subject(onr)));
        WHEN("school B sends the onderwijsnummer with the new BSN, and the youth team only the BSN") {
            const auto s2 = accept(
                school_b(), enrolment(R"({"bsn":")" + bsn + R"(","onderwijsnummer":")" + onr + R"("})", "34CD", "vo"));
            const auto s3 = accept(youth_team(), support_started(bsn_subject(bsn)));
            THEN("all three are on one record that holds both identifiers as pseudonyms") {
                CHECK(store.count("pupils") == 1);
                const auto pupil = get_ok("/v1/pupils/" + pupil_of(s1));
                std::vector<std::string> expected{s1, s2, s3};
                std::sort(expected.begin(), expected.end());
                CHECK(signal_ids(pupil) == expected);
                CHECK(identifier_kinds(pupil) == std::vector<std::string>{"bsn", "onderwijsnummer"});
                const auto text = get(std::string("/v1/pupils/") + pupil_of(s3), admin).body;
                CHECK(text.find(bsn) == std::string::npos);
                CHECK(text.find(onr) == std::string::npos);
                CHECK_THAT(text, Catch::Contains("deterministic.bsn"));
                CHECK_THAT(text, Catch::Contains("deterministic.onderwijsnummer"));
            }
        }
        WHEN("the youth team's BSN arrives before any signal carries both numbers") {
            const auto s2 = accept(youth_team(), support_started(bsn_subject(bsn)));
            CHECK(pupil_of(s1) != pupil_of(s2));
            AND_WHEN("school B then sends both numbers") {
                const auto s3 =
                    accept(school_b(),
                           enrolment(R"({"bsn":")" + bsn + R"(","onderwijsnummer":")" + onr + R"("})", "34CD", "vo"));
                THEN("the two records are merged, with the signal as evidence, the BSN's record surviving") {
                    const auto pupil = get_ok("/v1/pupils/" + pupil_of(s1));
                    CHECK(pupil->getValue<std::string>("pupil_id") == pupil_of(s2));
                    CHECK(signal_ids(pupil).size() == 3);
                    const auto merges = pupil->getArray("merges");
                    REQUIRE(merges->size() == 1);
                    CHECK(merges->getObject(0)->getValue<std::string>("rule") == "deterministic.shared_identifiers");
                    CHECK(merges->getObject(0)->getValue<std::string>("signal_id") == s3);
                }
            }
        }
    }
}

SCENARIO_METHOD(RecordFixture, "siblings in PO and VO end in one family, and a move re-routes it", "[record]") {
    const std::string parent = synthetic_bsn(410);
    const std::string child_po = synthetic_bsn(411);
    const std::string child_vo = synthetic_bsn(412);
    const auto po = accept(school_a(), enrolment(bsn_subject(child_po), "12AB", "po"));
    const auto vo = accept(school_b(), enrolment(bsn_subject(child_vo), "34CD", "vo"));
    CHECK(get_ok("/v1/pupils/" + pupil_of(po))->isNull("family_id"));

    accept(
        municipality(),
        household({{"parent", bsn_subject(parent)}, {"child", bsn_subject(child_po)}, {"child", bsn_subject(child_vo)}},
                  "GM0518", "2026-01-10"));
    const auto pupil_po = get_ok("/v1/pupils/" + pupil_of(po));
    const auto pupil_vo = get_ok("/v1/pupils/" + pupil_of(vo));
    REQUIRE_FALSE(pupil_po->isNull("family_id"));
    const std::string family_id = pupil_po->getValue<std::string>("family_id");
    CHECK(pupil_vo->getValue<std::string>("family_id") == family_id);
    CHECK(store.count("pupils") == 2);  // the household found both children's records

    const auto family = get_ok("/v1/families/" + family_id);
    const auto members = family->getArray("members");
    REQUIRE(members->size() == 3);
    std::vector<std::string> children;
    for (std::size_t i = 0; i < members->size(); ++i) {
        const auto m = members->getObject(static_cast<unsigned>(i));
        if (m->getValue<std::string>("role") == "child")
            children.push_back(m->getValue<std::string>("pupil_id"));
        else
            CHECK(m->getValue<std::string>("pseudonym").starts_with("kp1:1:"));
    }
    std::sort(children.begin(), children.end());
    std::vector<std::string> expected{pupil_of(po), pupil_of(vo)};
    std::sort(expected.begin(), expected.end());
    CHECK(children == expected);
    CHECK(family->getValue<std::string>("responsible_gemeentecode") == "GM0518");

    WHEN("the PO child moves to Rijswijk from 1 March") {
        accept(municipality(), moved(bsn_subject(child_po), "GM0603", "2026-03-01"));
        THEN("the family's responsible municipality is Rijswijk from that date on, with its history") {
            const auto now = get_ok("/v1/families/" + family_id);
            CHECK(now->getValue<std::string>("responsible_gemeentecode") == "GM0603");
            const auto history = now->getArray("responsible_history");
            REQUIRE(history->size() == 2);
            CHECK(history->getObject(0)->getValue<std::string>("gemeentecode") == "GM0518");
            CHECK(history->getObject(0)->getValue<std::string>("until") == "2026-03-01");
            CHECK(history->getObject(1)->getValue<std::string>("gemeentecode") == "GM0603");
            CHECK(history->getObject(1)->getValue<std::string>("cause") == "person.moved");
            CHECK(get_ok("/v1/families/" + family_id + "?on=2026-02-28")
                      ->getValue<std::string>("responsible_gemeentecode") == "GM0518");
            CHECK(get_ok("/v1/families/" + family_id + "?on=2025-12-31")->isNull("responsible_gemeentecode"));
        }
    }
    WHEN("another household lists the same parent with a third child") {
        const std::string third = synthetic_bsn(413);
        accept(municipality(),
               household({{"parent", bsn_subject(parent)}, {"child", bsn_subject(third)}}, "GM0518", "2026-02-01"));
        THEN("the third child joins the same family") {
            CHECK(get_ok("/v1/families/" + family_id)->getArray("members")->size() == 4);
        }
    }
}

SCENARIO_METHOD(RecordFixture, "a merge and its undo restore the original records", "[record]") {
    const std::string bsn_a = synthetic_bsn(420);
    const std::string bsn_b = synthetic_bsn(421);
    const auto a1 = accept(school_a(), enrolment(bsn_subject(bsn_a)));
    const auto a2 = accept(youth_team(), support_started(bsn_subject(bsn_a)));
    const auto b1 = accept(school_b(), enrolment(bsn_subject(bsn_b), "34CD", "vo"));
    const std::string pupil_a = pupil_of(a1);
    const std::string pupil_b = pupil_of(b1);
    const auto before_a = get_ok("/v1/pupils/" + pupil_a);
    const auto before_b = get_ok("/v1/pupils/" + pupil_b);

    const auto merged =
        post("/v1/pupils/" + pupil_a + "/merge",
             R"({"with":")" + pupil_b + R"(","reason":"same child, confirmed by both schools"})", admin);
    INFO(merged.body);
    REQUIRE(merged.status == 201);
    const std::string merge_id = json_object(merged.body)->getValue<std::string>("merge_id");
    const auto joined = get_ok("/v1/pupils/" + pupil_b);
    CHECK(joined->getValue<std::string>("pupil_id") == pupil_a);
    CHECK(joined->getValue<std::string>("requested_id") == pupil_b);
    CHECK(signal_ids(joined).size() == 3);
    // While merged, a new signal with B's number still belongs to B's own record.
    const auto b2 = accept(school_b(), support_started(bsn_subject(bsn_b)));
    CHECK(signal_ids(get_ok("/v1/pupils/" + pupil_a)).size() == 4);
    CHECK(post("/v1/pupils/" + pupil_a + "/merge", R"({"with":")" + pupil_b + R"(","reason":"again"})", admin).status ==
          409);

    const auto undone = post("/v1/merges/" + merge_id + "/undo", R"({"reason":"the schools were wrong"})", admin);
    INFO(undone.body);
    REQUIRE(undone.status == 200);
    const auto after_a = get_ok("/v1/pupils/" + pupil_a);
    const auto after_b = get_ok("/v1/pupils/" + pupil_b);
    CHECK(after_a->getValue<std::string>("pupil_id") == pupil_a);
    CHECK(after_b->getValue<std::string>("pupil_id") == pupil_b);
    CHECK(signal_ids(after_a) == signal_ids(before_a));
    auto expected_b = signal_ids(before_b);
    expected_b.push_back(b2);
    std::sort(expected_b.begin(), expected_b.end());
    CHECK(signal_ids(after_b) == expected_b);
    CHECK(identifier_kinds(after_a) == identifier_kinds(before_a));
    CHECK(after_b->getArray("identifiers")->size() == before_b->getArray("identifiers")->size());
    const auto history = after_a->getArray("merges");
    REQUIRE(history->size() == 1);
    const auto record = history->getObject(0);
    CHECK(record->getValue<std::string>("merged_by") == "admin@gemeente.example");
    CHECK(record->getValue<std::string>("reason") == "same child, confirmed by both schools");
    CHECK(record->getObject("undone")->getValue<std::string>("reason") == "the schools were wrong");
    CHECK(post("/v1/merges/" + merge_id + "/undo", R"({"reason":"twice"})", admin).status == 409);
    (void)a2;
}

SCENARIO_METHOD(RecordFixture, "signals without a number link on attributes, and a possible match waits for an admin",
                "[record]") {
    const auto known =
        accept(school_a(), enrolment(attributes_subject("van der Berg", "Zoë Anna", "2014-02-27", "2511AB",
                                                        R"("bsn":")" + synthetic_bsn(430) + R"(")")));
    const std::string pupil = pupil_of(known);
    accept(school_b(), enrolment(bsn_subject(synthetic_bsn(431)), "34CD"));  // someone else

    WHEN("leerplicht sends the same child written differently, without a number") {
        const auto same =
            accept(youth_team(), support_started(attributes_subject("BERG, VAN DER", "Zoe", "2014-02-27", "2511 AB")));
        THEN("it is linked to the record, with the rule and score as evidence") {
            CHECK(pupil_of(same) == pupil);
            const auto text = get("/v1/pupils/" + pupil, admin).body;
            CHECK_THAT(text, Catch::Contains("pprl.fs.v1/match"));
            CHECK_THAT(text, Catch::Contains(R"("field":"birth_date","level":"agree")"));
            CHECK_THAT(text, Catch::Contains(R"("field":"other_given_names","level":"missing")"));
        }
    }
    WHEN("a signal resembles the child only partly") {
        const auto maybe =
            accept(youth_team(), support_started(attributes_subject("van den Bergh", "Zoey", "2014-02-27", "2611CD")));
        THEN("it gets its own record and enters the review queue") {
            CHECK(pupil_of(maybe) != pupil);
            const auto queue = get_ok("/v1/link-reviews?status=open")->getArray("reviews");
            REQUIRE(queue->size() == 1);
            const auto review = queue->getObject(0);
            CHECK(review->getValue<std::string>("candidate_id") == pupil);
            CHECK(review->getValue<std::string>("pupil_id") == pupil_of(maybe));
            AND_THEN("the queue shows per field how it compared and what it weighed, and no name, date or postcode") {
                const auto text = get("/v1/link-reviews?status=open", admin).body;
                CHECK_THAT(text, Catch::Contains(R"("field":"family_name","level":"partial")"));
                CHECK_THAT(text, Catch::Contains(R"("field":"postcode","level":"disagree")"));
                CHECK_THAT(text, Catch::Contains(R"("weight":)"));
                for (const char* plain : {"Berg", "berg", "Zoey", "zoey", "2014-02-27", "2611"})
                    CHECK_THAT(text, !Catch::Contains(plain));
            }
            // A Fellegi–Sunter weight in bits, between the review (3) and link (9) thresholds.
            CHECK(review->getValue<double>("score") >= 3.0);
            CHECK(review->getValue<double>("score") < 9.0);
            const std::string review_id = review->getValue<std::string>("review_id");
            AND_WHEN("an admin decides it is a match") {
                const auto decided =
                    post("/v1/link-reviews/" + review_id + "/decision",
                         R"({"decision":"match","reason":"same birth date, school confirmed"})", admin);
                INFO(decided.body);
                REQUIRE(decided.status == 200);
                THEN("the signal is on the child's record and the decision is recorded") {
                    CHECK(signal_ids(get_ok("/v1/pupils/" + pupil)).size() == 2);
                    CHECK(get_ok("/v1/link-reviews?status=open")->getArray("reviews")->size() == 0);
                    const auto done = get_ok("/v1/link-reviews?status=matched")->getArray("reviews")->getObject(0);
                    CHECK(done->getObject("decision")->getValue<std::string>("by") == "admin@gemeente.example");
                    CHECK(post("/v1/link-reviews/" + review_id + "/decision",
                               R"({"decision":"no_match","reason":"changed my mind"})", admin)
                              .status == 409);
                }
            }
            AND_WHEN("an admin decides it is not") {
                REQUIRE(post("/v1/link-reviews/" + review_id + "/decision",
                             R"({"decision":"no_match","reason":"different child"})", admin)
                            .status == 200);
                THEN("the records stay apart") {
                    CHECK(signal_ids(get_ok("/v1/pupils/" + pupil)).size() == 1);
                    CHECK(get_ok("/v1/link-reviews?status=rejected")->getArray("reviews")->size() == 1);
                }
            }
        }
    }
}

SCENARIO_METHOD(RecordFixture, "namesakes, twins and siblings get their own record; variations of one child link",
                "[record]") {
    // Known: a pupil with a common name (issue 20's examples) and a twin's sister, with numbers.
    const auto yara =
        accept(school_a(), enrolment(attributes_subject("Müller", "Yara Hendrika Maria", "2011-01-17", "7717YS",
                                                        R"("bsn":")" + synthetic_bsn(440) + R"(")")));
    const auto mohammed =
        accept(school_a(), enrolment(attributes_subject("Özdemir", "Mohammed Amin", "2020-04-27", "8117EB",
                                                        R"("bsn":")" + synthetic_bsn(441) + R"(")")));
    const auto sem = accept(school_b(), enrolment(attributes_subject("de Vries", "Sem Johannes", "2015-03-04", "2511AB",
                                                                     R"("bsn":")" + synthetic_bsn(442) + R"(")"),
                                                  "34CD"));
    WHEN("a namesake born years apart and living elsewhere is reported without a number") {
        const auto other =
            accept(youth_team(), support_started(attributes_subject("Müller", "Yara", "2020-01-13", "7688OX")));
        THEN("it is not linked to the known Yara") { CHECK(pupil_of(other) != pupil_of(yara)); }
    }
    WHEN("Özdemir, Mohammed born two years earlier is reported") {
        const auto other =
            accept(youth_team(), support_started(attributes_subject("Özdemir", "Mohammed", "2018-02-02", "3478CX")));
        THEN("it is not linked") { CHECK(pupil_of(other) != pupil_of(mohammed)); }
    }
    WHEN("the twin of Sem (same family name, birth date and address) is reported") {
        const auto twin =
            accept(youth_team(), support_started(attributes_subject("de Vries", "Daan", "2015-03-04", "2511AB")));
        THEN("it is not linked to Sem") { CHECK(pupil_of(twin) != pupil_of(sem)); }
    }
    WHEN("a sibling of Sem (same family name and address, born later) is reported") {
        const auto sibling =
            accept(youth_team(), support_started(attributes_subject("de Vries", "Fenna", "2018-06-21", "2511AB")));
        THEN("it is not linked to Sem") { CHECK(pupil_of(sibling) != pupil_of(sem)); }
    }
    WHEN("Mohammed is reported as Mohamed, without diacritics, after a move") {
        const auto same = accept(
            youth_team(), support_started(attributes_subject("Ozdemir", "Mohamed Amin", "2020-04-27", "2595XY")));
        THEN("it links to him") { CHECK(pupil_of(same) == pupil_of(mohammed)); }
    }
}

SCENARIO_METHOD(RecordFixture, "the admin API refuses strangers and wrong roles", "[record]") {
    const auto s = accept(school_a(), enrolment(bsn_subject(synthetic_bsn(440))));
    const std::string path = "/v1/pupils/" + pupil_of(s);
    const std::string merge_path = path + "/merge";
    const std::string body = R"({"with":"00000000-0000-4000-8000-000000000000","reason":"test"})";
    require_problem(get(path, ""), 401);
    require_problem(get(path, admin_token("x", {"admin"}, 600, "another-secret-of-at-least-32-characters!")), 401);
    require_problem(get(path, admin_token("x", {"admin"}, -10)), 401);
    require_problem(get(path, "not.a.jwt"), 401);
    require_problem(get(path, admin_token("teacher@school", {"teacher"})), 403);
    const std::string officer = admin_token("fg@gemeente.example", {"privacy_officer"});
    CHECK(get(path, officer).status == 200);
    require_problem(post(merge_path, body, officer), 403);
    require_problem(post(merge_path, body, ""), 401);
    CHECK(store.count("pupil_merges") == 0);
}

SCENARIO_METHOD(RecordFixture, "bad input is refused with problem details pointing at it, and nothing is stored",
                "[record]") {
    const auto s = accept(school_a(), enrolment(bsn_subject(synthetic_bsn(450))));
    const std::string pupil = pupil_of(s);
    require_problem(post("/v1/pupils/" + pupil + "/merge", R"({"with":")" + pupil + R"("})", admin), 422, "/reason");
    require_problem(post("/v1/pupils/" + pupil + "/merge", R"({"with":")" + pupil + R"(","reason":"same"})", admin),
                    409, "/with");
    require_problem(post("/v1/pupils/" + pupil + "/merge", "{not json", admin), 400);
    require_problem(post("/v1/link-reviews/00000000-0000-4000-8000-000000000000/decision",
                         R"({"decision":"maybe","reason":"x y z"})", admin),
                    422, "/decision");
    require_problem(post("/v1/link-reviews/00000000-0000-4000-8000-000000000000/decision",
                         R"({"decision":"match","reason":"x y z"})", admin),
                    404);
    require_problem(get("/v1/pupils/00000000-0000-4000-8000-000000000000", admin), 404);
    require_problem(get("/v1/link-reviews?status=later", admin), 400, "/status");

    const long long signals = store.count("signals");
    const long long pupils = store.count("pupils");
    const auto bad_member = send(
        municipality(), household({{"parent", bsn_subject(synthetic_bsn(451))}, {"child", bsn_subject("123456789")}},
                                  "GM0518", "2026-01-10"));
    require_problem({bad_member.status, bad_member.content_type, bad_member.body}, 422, "/data/members/1/subject/bsn");
    const auto bad_move = send(municipality(), moved(bsn_subject(synthetic_bsn(452)), "Den Haag", "2026-03-01"));
    require_problem({bad_move.status, bad_move.content_type, bad_move.body}, 422, "/data/gemeentecode");
    const auto bad_attributes =
        send(youth_team(), support_started(R"({"attributes":{"family_name":"Jansen","given_names":"Piet"}})"));
    require_problem({bad_attributes.status, bad_attributes.content_type, bad_attributes.body}, 422,
                    "/subject/attributes");
    CHECK(store.count("signals") == signals);
    CHECK(store.count("pupils") == pupils);
    CHECK(store.count("families") == 0);
}

SCENARIO_METHOD(RecordFixture, "concurrent first signals about one new pupil make one record", "[record]") {
    // Each request runs on its own pooled connection; on PostgreSQL all but one transaction hit the
    // identifier's primary key, roll back and run again, then find the winner's record.
    const std::string bsn = synthetic_bsn(460);
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        threads.emplace_back([&, i] {
            eenplan::integration::WebhookSender sender(
                {service.signals_url("school-a"), std::nullopt, std::chrono::seconds(30)});
            const auto r = sender.post("msg_race_" + std::to_string(i), Poco::Timestamp().epochTime(),
                                       support_started(bsn_subject(bsn)), school_a().secret_bytes());
            if (r.status == 202) ids[i] = json_object(r.body)->getValue<std::string>("signal_id");
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& id : ids) REQUIRE_FALSE(id.empty());
    CHECK(store.count("pupils") == 1);
    CHECK(store.count("pupil_identifiers") == 1);
    CHECK(store.count("signal_links") == 8);
    CHECK(signal_ids(get_ok("/v1/pupils/" + pupil_of(ids[0]))).size() == 8);
}

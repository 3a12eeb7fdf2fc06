// The audit trail through the real service: every admin and privacy-officer request, reads
// included, is in the trail with who, on whose behalf, role, route, ids, time and outcome; the
// trail is read through GET /v1/audit (itself audited); --verify-audit finds an altered, removed
// or truncated entry; and nothing a caller typed (a number, a name) lands in it. The store is
// named by EENPLAN_TEST_STORE.
#include <catch2/catch.hpp>

#include "integration/record_fixture.hpp"

using namespace eenplan::testing;
using eenplan::simulators::synthetic_bsn;

namespace {

struct AuditHub {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service{store, dir.path(), options()};
    const std::string admin = admin_token_on_behalf("ib@school.example", "leerplicht-den-haag", {"admin"});
    const std::string officer = admin_token("fg@gemeente.example", {"privacy_officer"});
    const std::string auditor = admin_token("accountant@audit.example", {"auditor"});
    int sent = 0;

    static ServiceOptions options() {
        ServiceOptions o;
        o.data_keys = true;
        return o;
    }

    std::string enrol(const std::string& bsn) {
        eenplan::integration::WebhookSender sender(
            {service.signals_url(school_a().id), std::nullopt, std::chrono::seconds(10)});
        const auto r = sender.post("msg_" + std::to_string(++sent), Poco::Timestamp().epochTime(),
                                   enrolment(bsn_subject(bsn)), school_a().secret_bytes());
        REQUIRE(r.status == 202);
        const std::string signal = json_object(r.body)->getValue<std::string>("signal_id");
        auto sql = store.session();
        std::string pupil;
        *sql << "SELECT pupil_id FROM signal_links WHERE signal_id = :s", soci::use(signal), soci::into(pupil);
        return pupil;
    }

    Poco::JSON::Array::Ptr trail(const std::string& query = "") {
        const auto r = service.request("GET", "/v1/audit" + query, "", officer);
        INFO(r.body);
        REQUIRE(r.status == 200);
        return json_object(r.body)->getArray("entries");
    }

    std::pair<int, std::string> verify() { return run_service_once(service.config_file(), "--verify-audit"); }
};

struct Seen {
    std::string actor, on_behalf_of, role, method, route, ids;
    int outcome;
};

Seen seen(const Poco::JSON::Object::Ptr& e) {
    std::string ids;
    const auto list = e->getArray("object_ids");
    for (std::size_t i = 0; i < list->size(); ++i)
        ids += (i ? "," : "") + list->getElement<std::string>(static_cast<unsigned>(i));
    return {e->getValue<std::string>("actor"), e->optValue<std::string>("on_behalf_of", ""),
            e->getValue<std::string>("role"),  e->getValue<std::string>("method"),
            e->getValue<std::string>("route"), ids,
            e->getValue<int>("outcome")};
}

}  // namespace

SCENARIO("every admin and privacy-officer request is in the audit trail, reads included", "[audit][privacy]") {
    AuditHub hub;
    const std::string pupil = hub.enrol(synthetic_bsn(700));
    const std::string other = hub.enrol(synthetic_bsn(701));

    WHEN("an admin acting for leerplicht reads and changes records, and a privacy officer reads") {
        REQUIRE(hub.service.request("GET", "/v1/pupils/" + pupil, "", hub.admin).status == 200);
        REQUIRE(hub.service.request("GET", "/v1/link-reviews", "", hub.officer).status == 200);
        REQUIRE(hub.service.request("GET", "/v1/deliveries", "", hub.admin).status == 200);
        const auto merged = hub.service.request("POST", "/v1/pupils/" + pupil + "/merge",
                                                R"({"with":")" + other + R"(","reason":"zelfde kind"})", hub.admin);
        REQUIRE(merged.status == 201);
        const std::string merge_id = json_object(merged.body)->getValue<std::string>("merge_id");
        // Refused: a privacy officer may not merge (403, in the trail); no token at all (401, not).
        REQUIRE(hub.service
                    .request("POST", "/v1/pupils/" + pupil + "/merge", R"({"with":")" + other + R"(","reason":"x"})",
                             hub.officer)
                    .status == 403);
        REQUIRE(hub.service.request("GET", "/v1/pupils/" + pupil, "", "").status == 401);
        // An admin may not read the trail (403, in the trail).
        REQUIRE(hub.service.request("GET", "/v1/audit", "", hub.admin).status == 403);

        THEN("the trail lists each of them in order, with who, for whom, role, route, ids and outcome") {
            const auto entries = hub.trail();
            REQUIRE(entries->size() == 6);
            const std::vector<Seen> expected{
                {"ib@school.example", "leerplicht-den-haag", "admin", "GET", "/v1/pupils/{pupilId}", pupil, 200},
                {"fg@gemeente.example", "", "privacy_officer", "GET", "/v1/link-reviews", "", 200},
                {"ib@school.example", "leerplicht-den-haag", "admin", "GET", "/v1/deliveries", "", 200},
                {"ib@school.example", "leerplicht-den-haag", "admin", "POST", "/v1/pupils/{pupilId}/merge",
                 pupil + "," + other + "," + merge_id, 201},
                {"fg@gemeente.example", "", "privacy_officer", "POST", "/v1/pupils/{pupilId}/merge", pupil, 403},
                {"ib@school.example", "leerplicht-den-haag", "admin", "GET", "/v1/audit", "", 403},
            };
            const long long before = Poco::Timestamp().epochMicroseconds();
            long long previous_at = 0;
            for (std::size_t i = 0; i < expected.size(); ++i) {
                const auto e = entries->getObject(static_cast<unsigned>(i));
                const Seen got = seen(e);
                INFO("entry " << i + 1);
                CHECK(e->getValue<long long>("sequence") == static_cast<long long>(i + 1));
                CHECK(got.actor == expected[i].actor);
                CHECK(got.on_behalf_of == expected[i].on_behalf_of);
                CHECK(got.role == expected[i].role);
                CHECK(got.method == expected[i].method);
                CHECK(got.route == expected[i].route);
                CHECK(got.ids == expected[i].ids);
                CHECK(got.outcome == expected[i].outcome);
                const long long at = e->getValue<long long>("at_us");
                CHECK(at >= previous_at);
                CHECK(at <= before);
                previous_at = at;
            }
            AND_THEN("reading the trail is in the trail too, and an auditor may read it") {
                const auto again = hub.service.request("GET", "/v1/audit?after=6", "", hub.auditor);
                REQUIRE(again.status == 200);
                const auto later = json_object(again.body)->getArray("entries");
                REQUIRE(later->size() == 1);
                const Seen own = seen(later->getObject(0));
                CHECK(own.actor == "fg@gemeente.example");
                CHECK(own.route == "/v1/audit");
                CHECK(own.outcome == 200);
            }
            AND_THEN("the trail can be read per object and per person") {
                CHECK(hub.trail("?object=" + merge_id)->size() == 1);
                // link-reviews, the refused merge, the read above and the one per object
                CHECK(hub.trail("?actor=fg%40gemeente.example")->size() == 4);
                CHECK(hub.service.request("GET", "/v1/audit?object=not-an-id", "", hub.officer).status == 400);
                CHECK(hub.service.request("GET", "/v1/audit?limit=0", "", hub.officer).status == 400);
                CHECK(hub.service.request("GET", "/v1/audit?colour=red", "", hub.officer).status == 400);
                // A bad percent-escape was a 500 from Poco's lazy decoding; every admin query
                // reader now answers it as invalid-query.
                for (const char* target :
                     {"/v1/audit?after=%zz", "/v1/deliveries?limit=%", "/v1/link-reviews?status=%g1"}) {
                    const bool trail = std::string_view(target).starts_with("/v1/audit");
                    const auto refused = hub.service.request("GET", target, "", trail ? hub.officer : hub.admin);
                    CHECK(refused.status == 400);
                    CHECK(refused.body.find("invalid-query") != std::string::npos);
                }
            }
            AND_THEN("the merge says who acted") {
                auto sql = hub.store.session();
                std::string by;
                *sql << "SELECT merged_by FROM pupil_merges WHERE merge_id = :m", soci::use(merge_id), soci::into(by);
                CHECK(by == "ib@school.example");
            }
        }
    }
}

SCENARIO("an altered, removed or truncated audit entry is found by --verify-audit", "[audit][privacy]") {
    AuditHub hub;
    const std::string pupil = hub.enrol(synthetic_bsn(702));
    for (int i = 0; i < 5; ++i) REQUIRE(hub.service.request("GET", "/v1/pupils/" + pupil, "", hub.admin).status == 200);
    hub.service.stop();

    const auto [intact_code, intact] = hub.verify();
    INFO(intact);
    REQUIRE(intact_code == 0);
    CHECK(intact.find("audit trail intact: 5 entries checked") != std::string::npos);

    auto sql = hub.store.session();
    // The database itself refuses to change the trail; an intruder with the right to drop its
    // triggers goes on, and that is what --verify-audit is for.
    CHECK_THROWS(*sql << "UPDATE audit_log SET outcome = 404 WHERE sequence = 3");
    CHECK_THROWS(*sql << "DELETE FROM audit_log WHERE sequence = 5");
    if (hub.store.is_postgresql()) {
        *sql << "DROP TRIGGER audit_log_no_update ON audit_log";
    } else {
        *sql << "DROP TRIGGER audit_log_no_update";
        *sql << "DROP TRIGGER audit_log_no_delete";
    }
    WHEN("one entry's outcome is changed in the database") {
        *sql << "UPDATE audit_log SET outcome = 404 WHERE sequence = 3";
        const auto [code, out] = hub.verify();
        INFO(out);
        CHECK(code == 65);
        CHECK(out.find("broken at entry 3") != std::string::npos);
        CHECK(out.find("altered") != std::string::npos);
    }
    WHEN("an entry is changed and its hash recomputed without the key (a plain SHA-256 would not do)") {
        *sql << "UPDATE audit_log SET actor = 'someone-else', hash = previous_hash WHERE sequence = 2";
        const auto [code, out] = hub.verify();
        INFO(out);
        CHECK(code == 65);
        CHECK(out.find("broken at entry 2") != std::string::npos);
    }
    WHEN("an entry in the middle is deleted") {
        *sql << "DELETE FROM audit_log WHERE sequence = 4";
        const auto [code, out] = hub.verify();
        INFO(out);
        CHECK(code == 65);
        CHECK(out.find("broken at entry 4") != std::string::npos);
    }
    WHEN("the last entry is deleted") {
        *sql << "DELETE FROM audit_log WHERE sequence = 5";
        const auto [code, out] = hub.verify();
        INFO(out);
        CHECK(code == 65);
        CHECK(out.find("broken at entry 5") != std::string::npos);
    }
    WHEN("two entries swap places") {
        *sql << "UPDATE audit_log SET sequence = 100 WHERE sequence = 1";
        *sql << "UPDATE audit_log SET sequence = 1 WHERE sequence = 2";
        *sql << "UPDATE audit_log SET sequence = 2 WHERE sequence = 100";
        const auto [code, out] = hub.verify();
        INFO(out);
        CHECK(code == 65);
        CHECK(out.find("broken at entry 1") != std::string::npos);
    }
}

SCENARIO("GET /v1/audit/verification checks the chain for privacy officers and auditors", "[audit][privacy]") {
    AuditHub hub;
    const std::string pupil = hub.enrol(synthetic_bsn(704));
    for (int i = 0; i < 3; ++i) REQUIRE(hub.service.request("GET", "/v1/pupils/" + pupil, "", hub.admin).status == 200);

    const auto verification = [&](const std::string& token) {
        const auto r = hub.service.request("GET", "/v1/audit/verification", "", token);
        INFO(r.body);
        REQUIRE(r.status == 200);
        return json_object(r.body);
    };
    const auto intact = verification(hub.officer);
    CHECK(intact->getValue<bool>("intact"));
    CHECK(intact->getValue<long long>("checked") >= 3);
    CHECK(intact->getValue<long long>("checked") == intact->getValue<long long>("written"));
    CHECK_FALSE(intact->has("broken"));
    CHECK(verification(hub.auditor)->getValue<bool>("intact"));
    // An admin operates the integrations; the trail of what admins did is not theirs to read.
    CHECK(hub.service.request("GET", "/v1/audit/verification", "", hub.admin).status == 403);
    // The check is itself in the trail, with who asked.
    bool found = false;
    const auto by_auditor = hub.trail("?actor=accountant@audit.example");
    for (const auto& e : *by_auditor) {
        found =
            found || e.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("route") == "/v1/audit/verification";
    }
    CHECK(found);

    auto sql = hub.store.session();
    if (hub.store.is_postgresql()) {
        *sql << "DROP TRIGGER audit_log_no_update ON audit_log";
    } else {
        *sql << "DROP TRIGGER audit_log_no_update";
    }
    *sql << "UPDATE audit_log SET outcome = 404 WHERE sequence = 2";
    const auto broken = verification(hub.officer);
    CHECK_FALSE(broken->getValue<bool>("intact"));
    CHECK(broken->getValue<long long>("checked") == 1);
    REQUIRE(broken->has("broken"));
    CHECK(broken->getObject("broken")->getValue<long long>("sequence") == 2);
}

SCENARIO("no number or name a caller puts in a path or query reaches the audit trail", "[audit][privacy]") {
    AuditHub hub;
    const std::string bsn = synthetic_bsn(703);
    const std::string pupil = hub.enrol(bsn);
    CHECK(hub.service.request("GET", "/v1/pupils/" + bsn, "", hub.admin).status == 404);
    CHECK(hub.service.request("GET", "/v1/pupils/Wijnaldum-Oosterhout", "", hub.admin).status == 404);
    CHECK(hub.service.request("GET", "/v1/families/" + bsn + "?on=2026-01-01", "", hub.officer).status == 404);
    CHECK(hub.service.request("GET", "/v1/link-reviews?status=" + bsn, "", hub.admin).status == 400);
    CHECK(hub.service.request("GET", "/v1/audit?actor=" + bsn, "", hub.officer).status == 200);
    // A UUID-shaped id that names nothing (404) is not kept either: it could carry digits.
    CHECK(hub.service.request("GET", "/v1/pupils/12345678-1234-4234-8234-" + bsn + "abc", "", hub.admin).status == 404);
    CHECK(hub.service.request("GET", "/v1/pupils/" + pupil, "", hub.admin).status == 200);
    hub.service.stop();

    auto sql = hub.store.session();
    std::string dump;
    soci::rowset<soci::row> rows =
        (sql->prepare << "SELECT actor, on_behalf_of, role, method, route, object_ids FROM audit_log");
    int count = 0;
    for (const soci::row& row : rows) {
        ++count;
        for (std::size_t i = 0; i < row.size(); ++i) dump += row.get<std::string>(i) + "\n";
    }
    CHECK(count == 7);
    INFO(dump);
    CHECK(dump.find(bsn) == std::string::npos);
    CHECK(dump.find(bsn.substr(0, 8)) == std::string::npos);
    CHECK(dump.find("Wijnaldum") == std::string::npos);
    CHECK(dump.find(pupil) != std::string::npos);  // the real id is kept
    CHECK(dump.find('?') != std::string::npos);    // the others are recorded as "?"
}

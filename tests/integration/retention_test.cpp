// Retention and erasure (docs/retention.md) against the real service on both stores, with the
// manual test clock: the purge removes exactly what is past its term and its dry run removes
// nothing; an erased family's payloads no longer open even from a copy of the database taken
// before the erasure (the payload keys live in a key store of their own); and cutting the audit
// trail's tail together with its head is caught by --verify-audit against the anchor file.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "integration/record_fixture.hpp"
#include "support/stored_payloads.hpp"

using namespace eenplan::testing;
using eenplan::simulators::synthetic_bsn;

namespace {

constexpr int day = 24 * 3600;

// Signals are kept 2 days (household.composition, the default) or 5 (absence.reported); a family
// untouched for 6 days goes whole. The purge runs only on request (no timer).
std::string retention_config(const std::filesystem::path& dir, int purge_every_hours = 0) {
    return "retention:\n"
           "  signals:\n"
           "    default: {active_days: 1, archive_days: 1}\n"
           "    types:\n"
           "      absence.reported: {active_days: 3, archive_days: 2}\n"
           "  records: {families_days: 6, deliveries_days: 6}\n"
           "  purge_every_hours: " +
           std::to_string(purge_every_hours) +
           "\n"
           "  key_store: {backend: sqlite, connection: \"db=" +
           (dir / "payload-keys.db").string() +
           "\"}\n"
           "  audit_anchor: {file: " +
           (dir / "audit-anchor.jsonl").string() + ", every_minutes: 60}\n";
}

std::string absence_of(const std::string& bsn) {
    return R"({"type":"absence.reported","occurred_at":"2026-10-01T08:00:00Z","subject":)" + bsn_subject(bsn) +
           R"(,"school":{"brin":"12AB","gemeentecode":"GM0518"},"data":{"absence_kind":"ongeoorloofd","from":"2026-09-28"}})";
}

struct RetentionHub {
    TempDir dir;
    TestStore store{dir.path()};
    ServiceProcess service;

    explicit RetentionHub(int purge_every_hours = 0)
        : service(store, dir.path(), options(dir.path(), purge_every_hours)) {}
    int sent = 0;

    // Tokens valid for ten minutes of the service's (manual) time.
    std::string token(const std::string& subject, const std::string& role) const {
        const auto skew = service.clock_now() - Poco::Timestamp().epochTime();
        return admin_token(subject, {role}, static_cast<int>(skew) + 600);
    }
    std::string officer() const { return token("fg@gemeente.example", "privacy_officer"); }
    std::string auditor() const { return token("auditor@gemeente.example", "auditor"); }
    std::string admin() const { return token("admin@gemeente.example", "admin"); }

    static ServiceOptions options(const std::filesystem::path& dir, int purge_every_hours) {
        ServiceOptions o;
        o.sources = {school_a(), municipality()};
        o.data_keys = true;
        o.manual_clock = true;
        o.extra_config = retention_config(dir, purge_every_hours);
        return o;
    }

    // Signed at the service's (manual) time, so the timestamp check holds after the clock moved.
    std::string accept(const TestSource& source, const std::string& body) {
        eenplan::integration::WebhookSender sender(
            {service.signals_url(source.id), std::nullopt, std::chrono::seconds(10)});
        const auto r = sender.post("msg_" + std::to_string(++sent), service.clock_now(), body, source.secret_bytes());
        INFO(r.body);
        REQUIRE(r.status == 202);
        return json_object(r.body)->getValue<std::string>("signal_id");
    }

    // A household of one child and one parent, and an absence of the child: the family id and
    // the two signal ids.
    struct Family {
        std::string id, household_signal, absence_signal;
    };
    Family family(int n) {
        const std::string child = synthetic_bsn(700 + 2 * n);
        const std::string parent = synthetic_bsn(701 + 2 * n);
        Family f;
        f.household_signal =
            accept(municipality(),
                   household({{"child", bsn_subject(child)}, {"parent", bsn_subject(parent)}}, "GM0518", "2026-09-01"));
        f.absence_signal = accept(school_a(), absence_of(child));
        auto sql = store.session();
        *sql << "SELECT family_id FROM household_registrations WHERE signal_id = :s", soci::use(f.household_signal),
            soci::into(f.id);
        return f;
    }

    std::set<std::string> signal_ids() const {
        auto sql = store.session();
        std::set<std::string> ids;
        soci::rowset<std::string> rows = (sql->prepare << "SELECT signal_id FROM signals");
        for (const std::string& id : rows) ids.insert(id);
        return ids;
    }
    long long families() const { return store.count("families"); }

    Poco::JSON::Object::Ptr run(bool dry) {
        const auto r = service.request("POST", "/v1/privacy/retention-runs",
                                       std::string(R"({"dry_run":)") + (dry ? "true" : "false") + "}", officer());
        INFO(r.body);
        REQUIRE(r.status == 201);
        return json_object(r.body);
    }
};

std::map<std::string, long long> counts_of(const Poco::JSON::Object::Ptr& run) {
    std::map<std::string, long long> out;
    const auto counts = run->getObject("counts");
    for (const auto& [k, v] : *counts) out[k] = v.convert<long long>();
    return out;
}

int exit_code(const std::string& command) {
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

SCENARIO("the purge removes exactly what is past its term, and its dry run removes nothing", "[privacy]") {
    RetentionHub hub;
    const auto a = hub.family(1);
    hub.service.advance_clock(3 * day);
    const auto b = hub.family(2);
    REQUIRE(hub.signal_ids() ==
            std::set<std::string>{a.household_signal, a.absence_signal, b.household_signal, b.absence_signal});

    WHEN("three days on: only family A's household signal is past its 2-day term") {
        const auto before = hub.signal_ids();
        const auto dry = hub.run(true);
        THEN("the dry run counts it and removes nothing") {
            CHECK(dry->getValue<bool>("dry_run"));
            CHECK(counts_of(dry)["signals"] == 1);
            CHECK(counts_of(dry)["families"] == 0);
            CHECK(hub.signal_ids() == before);
        }
        const auto real = hub.run(false);
        THEN("the run removes that signal alone, with the same counts and digest as the dry run") {
            CHECK(counts_of(real) == counts_of(dry));
            CHECK(real->getValue<std::string>("ids_digest") == dry->getValue<std::string>("ids_digest"));
            CHECK(hub.signal_ids() == std::set<std::string>{a.absence_signal, b.household_signal, b.absence_signal});
            CHECK(hub.families() == 2);
            CHECK(!real->getValue<std::string>("proof").empty());
        }
        AND_WHEN(
            "seven days from the start: family A is untouched for 7 > 6 days, B's household signal is 4 > 2 days "
            "old") {
            hub.service.advance_clock(4 * day);
            const auto dry2 = hub.run(true);
            CHECK(hub.signal_ids().size() == 3);
            const auto real2 = hub.run(false);
            THEN("family A goes whole with its payload keys, and B keeps its absence") {
                CHECK(counts_of(dry2) == counts_of(real2));
                CHECK(counts_of(real2)["families"] == 1);
                CHECK(counts_of(real2)["signals"] == 2);
                CHECK(counts_of(real2)["payload_keys"] >= 1);
                CHECK(hub.signal_ids() == std::set<std::string>{b.absence_signal});
                CHECK(hub.families() == 1);
                auto sql = hub.store.session();
                long long left = 0;
                *sql << "SELECT COUNT(*) FROM families WHERE family_id = :f", soci::use(b.id), soci::into(left);
                CHECK(left == 1);
            }
            THEN("the runs are listed for the auditor, newest first, and the officer's requests are audited") {
                const auto list = hub.service.request("GET", "/v1/privacy/retention-runs", "", hub.auditor());
                REQUIRE(list.status == 200);
                const auto runs = json_object(list.body)->getArray("runs");
                REQUIRE(runs->size() == 4);
                // Newest first (the dry run and the run of one moment in either order).
                const std::set<std::string> newest{runs->getObject(0)->getValue<std::string>("run_id"),
                                                   runs->getObject(1)->getValue<std::string>("run_id")};
                CHECK(newest == std::set<std::string>{dry2->getValue<std::string>("run_id"),
                                                      real2->getValue<std::string>("run_id")});
                const auto audit = hub.service.request(
                    "GET", "/v1/audit?object=" + real2->getValue<std::string>("run_id"), "", hub.auditor());
                CHECK(json_object(audit.body)->getArray("entries")->size() == 1);
            }
        }
    }
    THEN("only the privacy officer may start a run") {
        CHECK(hub.service.request("POST", "/v1/privacy/retention-runs", "{}", hub.admin()).status == 403);
        CHECK(hub.service.request("POST", "/v1/privacy/retention-runs", "{}", hub.auditor()).status == 403);
        CHECK(hub.service.request("POST", "/v1/privacy/retention-runs", R"({"dry_run":"yes"})", hub.officer()).status ==
              422);
    }
}

SCENARIO("an erased family's payloads are unreadable even from a copy of the database taken before", "[privacy]") {
    RetentionHub hub;
    const auto erased = hub.family(3);
    const auto kept = hub.family(4);
    const StoredPayloads payloads(hub.service.config_file());

    // The copy: on SQLite the database file itself, taken with the service stopped; on
    // PostgreSQL the rows a dump would hold, read out before the erasure.
    std::map<std::string, std::string> copy;  // signal id -> envelope as stored
    std::unique_ptr<soci::session> copy_session;
    hub.service.stop();
    if (!hub.store.is_postgresql()) {
        const auto file = hub.dir.path() / "eenplan.db";
        std::filesystem::copy_file(file, hub.dir.path() / "backup.db");
        copy_session = std::make_unique<soci::session>("sqlite3", "db=" + (hub.dir.path() / "backup.db").string());
    } else {
        copy_session = hub.store.session();
    }
    {
        soci::rowset<soci::row> rows = (copy_session->prepare << "SELECT signal_id, envelope FROM signals");
        for (const soci::row& row : rows) copy[row.get<std::string>(0)] = row.get<std::string>(1);
    }
    hub.service.start();
    REQUIRE(copy.size() == 4);
    for (const auto& [id, envelope] : copy) {
        INFO(id);
        CHECK(envelope.starts_with("pk1|"));
        CHECK(envelope.find("ongeoorloofd") == std::string::npos);
        // Before the erasure, the copy opens with the keys the service has.
        CHECK(payloads.open(*copy_session, "signals", id, "envelope", envelope));
    }

    const auto answer =
        hub.service.request("POST", "/v1/privacy/erasures",
                            R"({"family_id":")" + erased.id + R"(","reason_code":"consent_withdrawn"})", hub.officer());
    INFO(answer.body);
    REQUIRE(answer.status == 201);
    const auto tombstone = json_object(answer.body);
    CHECK(tombstone->getObject("counts")->getValue<long long>("signals") == 2);
    CHECK(tombstone->getObject("counts")->getValue<long long>("payload_keys") >= 2);

    THEN("the copy's payloads of the erased family no longer open; the other family's still do") {
        for (const std::string& id : {erased.household_signal, erased.absence_signal}) {
            INFO(id);
            CHECK_FALSE(payloads.open(*copy_session, "signals", id, "envelope", copy.at(id)));
        }
        for (const std::string& id : {kept.household_signal, kept.absence_signal}) {
            INFO(id);
            CHECK(payloads.open(*copy_session, "signals", id, "envelope", copy.at(id)));
        }
    }
    THEN("the store keeps nothing of the family but the tombstone") {
        CHECK(hub.signal_ids() == std::set<std::string>{kept.household_signal, kept.absence_signal});
        auto sql = hub.store.session();
        for (const std::string table : {"families", "family_parents", "household_registrations"}) {
            long long n = 0;
            *sql << "SELECT COUNT(*) FROM " + table + " WHERE family_id = :f", soci::use(erased.id), soci::into(n);
            CHECK(n == 0);
        }
        CHECK(hub.store.count("pupils") == 1);
        const auto list = hub.service.request("GET", "/v1/privacy/erasures", "", hub.auditor());
        REQUIRE(list.status == 200);
        const auto erasures = json_object(list.body)->getArray("erasures");
        REQUIRE(erasures->size() == 1);
        CHECK(erasures->getObject(0)->getValue<std::string>("reason_code") == "consent_withdrawn");
        CHECK(erasures->getObject(0)->getValue<std::string>("proof") == tombstone->getValue<std::string>("proof"));
    }
    THEN("a second request is answered 410, an unknown family 404, free text and other roles are refused") {
        const std::string again = R"({"family_id":")" + erased.id + R"(","reason_code":"consent_withdrawn"})";
        CHECK(hub.service.request("POST", "/v1/privacy/erasures", again, hub.officer()).status == 410);
        CHECK(hub.service
                  .request("POST", "/v1/privacy/erasures",
                           R"({"family_id":"00000000-0000-4000-8000-000000000000","reason_code":"consent_withdrawn"})",
                           hub.officer())
                  .status == 404);
        CHECK(hub.service
                  .request("POST", "/v1/privacy/erasures",
                           R"({"family_id":")" + kept.id + R"(","reason_code":"moeder wil het niet"})", hub.officer())
                  .status == 422);
        CHECK(hub.service.request("POST", "/v1/privacy/erasures", again, hub.admin()).status == 403);
    }
}

SCENARIO("cutting the audit trail's tail is detected against the anchor", "[privacy][audit]") {
    RetentionHub hub;
    for (int i = 0; i < 5; ++i) REQUIRE(hub.service.request("GET", "/v1/audit", "", hub.auditor()).status == 200);
    hub.service.stop();  // the service anchors the trail's end as it stops
    const std::string verify = service_binary() + " --config " + hub.service.config_file().string() +
                               " --verify-audit > " + (hub.dir.path() / "verify.txt").string() + " 2>&1";
    REQUIRE(exit_code(verify) == 0);

    auto sql = hub.store.session();
    long long head = 0;
    *sql << "SELECT sequence FROM audit_head WHERE id = 1", soci::into(head);
    REQUIRE(head == 5);
    // Someone who can change the schema cuts the last two entries and rewinds the head to match:
    // the chain in the database is consistent again.
    if (hub.store.is_postgresql()) {
        *sql << "ALTER TABLE audit_log DISABLE TRIGGER USER";
    } else {
        *sql << "DROP TRIGGER audit_log_no_delete";
    }
    *sql << "DELETE FROM audit_log WHERE sequence > 3";
    std::string hash;
    *sql << "SELECT hash FROM audit_log WHERE sequence = 3", soci::into(hash);
    *sql << "UPDATE audit_head SET sequence = 3, hash = :h WHERE id = 1", soci::use(hash);

    THEN("--verify-audit fails (65) and says entries were cut from the end") {
        CHECK(exit_code(verify) == 65);
        std::ifstream in(hub.dir.path() / "verify.txt");
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        INFO(text);
        CHECK(text.find("cut from the end") != std::string::npos);
    }
}

SCENARIO("retention terms are checked at start-up", "[privacy][config]") {
    RetentionHub hub;
    hub.service.stop();
    std::ifstream in(hub.service.config_file());
    const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto check = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        REQUIRE(text.find(from) != std::string::npos);
        text.replace(text.find(from), from.size(), to);
        const auto file = hub.dir.path() / "changed.yaml";
        std::ofstream(file) << text;
        const auto out = hub.dir.path() / "check.txt";
        const int code =
            exit_code(service_binary() + " --config " + file.string() + " --check-config > " + out.string() + " 2>&1");
        std::ifstream result(out);
        return std::pair{code, std::string((std::istreambuf_iterator<char>(result)), std::istreambuf_iterator<char>())};
    };
    THEN("a family term shorter than a signal's is refused with its path") {
        const auto [code, text] = check("families_days: 6", "families_days: 4");
        CHECK(code != 0);
        CHECK(text.find("/retention/records/families_days") != std::string::npos);
    }
    THEN("an unknown signal type is refused") {
        const auto [code, text] = check("absence.reported:", "absence.reportd:");
        CHECK(code != 0);
        CHECK(text.find("/retention/signals/types/absence.reportd") != std::string::npos);
    }
    THEN("a negative term is refused by the schema") {
        const auto [code, text] = check("archive_days: 2", "archive_days: -2");
        CHECK(code != 0);
    }
    THEN("--purge --dry-run reports a run and removes nothing; --purge runs one") {
        const auto out = hub.dir.path() / "purge.txt";
        const std::string purge = service_binary() + " --config " + hub.service.config_file().string() + " --purge";
        const long long before = hub.store.count("retention_runs");
        CHECK(exit_code(purge + " --dry-run > " + out.string() + " 2>&1") == 0);
        std::ifstream result(out);
        const std::string text((std::istreambuf_iterator<char>(result)), std::istreambuf_iterator<char>());
        CHECK(text.find("retention dry run ") != std::string::npos);
        CHECK(text.find(" signals=0") != std::string::npos);
        CHECK(exit_code(purge + " > " + out.string() + " 2>&1") == 0);
        CHECK(hub.store.count("retention_runs") == before + 2);
    }
    THEN("the configuration as written is valid") {
        CHECK(check("purge_every_hours: 0", "purge_every_hours: 0").first == 0);
    }
}

SCENARIO("the scheduled purge runs by the service's clock, is audited and anchors the trail", "[privacy][audit]") {
    RetentionHub hub(1);
    const auto a = hub.family(5);
    hub.service.advance_clock(3 * day);  // past the household signal's term, and past the hour
    const auto scheduled = [&] {
        const auto list = hub.service.request("GET", "/v1/privacy/retention-runs", "", hub.auditor());
        const auto runs = json_object(list.body)->getArray("runs");
        return runs->size() >= 1 && runs->getObject(0)->getValue<std::string>("requested_by") == "retention-schedule";
    };
    REQUIRE(hub.service.advance_until(scheduled, 60, 5));
    CHECK(hub.signal_ids() == std::set<std::string>{a.absence_signal});
    const auto audit = hub.service.request("GET", "/v1/audit?actor=retention-schedule", "", hub.auditor());
    CHECK(json_object(audit.body)->getArray("entries")->size() >= 1);
    std::ifstream anchor(hub.dir.path() / "audit-anchor.jsonl");
    int lines = 0;
    for (std::string line; std::getline(anchor, line);) ++lines;
    CHECK(lines >= 2);  // at start-up and at the run
}

SCENARIO("payloads stored before payload keys are sealed once at start-up", "[privacy]") {
    RetentionHub hub;
    const auto f = hub.family(6);
    hub.service.stop();
    const StoredPayloads payloads(hub.service.config_file());
    std::string plain;
    {
        // The store as an earlier release left it: the envelope in plain JSON, the migration not run.
        auto sql = hub.store.session();
        std::string stored;
        *sql << "SELECT envelope FROM signals WHERE signal_id = :s", soci::use(f.absence_signal), soci::into(stored);
        plain = payloads.must_open(*sql, "signals", f.absence_signal, "envelope", stored);
        *sql << "UPDATE signals SET envelope = :e WHERE signal_id = :s", soci::use(plain), soci::use(f.absence_signal);
        *sql << "DELETE FROM data_migrations WHERE name = '0014_seal_payloads'";
    }
    REQUIRE(plain.find("ongeoorloofd") != std::string::npos);
    hub.service.start();
    auto sql = hub.store.session();
    std::string stored;
    *sql << "SELECT envelope FROM signals WHERE signal_id = :s", soci::use(f.absence_signal), soci::into(stored);
    CHECK(stored.starts_with("pk1|pupil/"));
    CHECK(payloads.must_open(*sql, "signals", f.absence_signal, "envelope", stored) == plain);
    long long runs = 0;
    *sql << "SELECT COUNT(*) FROM data_migrations WHERE name = '0014_seal_payloads'", soci::into(runs);
    CHECK(runs == 1);
}

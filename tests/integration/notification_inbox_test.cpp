// The inbox of ZGW notifications on the real store (EENPLAN_TEST_STORE): a notification is stored
// once per action on a rol; a claim holds it for its lease and a claimer that died leaves it to the
// next claim when the lease ends, whose token alone records the outcome; the signal handed over is
// stored once however often it is handed over; a retry waits for its time; a failed one stays put.
// Time is passed in, so leases and retries are checked without waiting.
#include <catch2/catch.hpp>

#include <Poco/Logger.h>

#include "eenplan/core/sealed_text.hpp"
#include "ingest/notification_inbox.hpp"
#include "identity/hub_pseudonymiser.hpp"
#include "record/record_keeper.hpp"
#include "store/database.hpp"
#include "store/signal_store.hpp"
#include "support/service_process.hpp"
#include "synthetic_people.hpp"

using namespace eenplan;
using namespace eenplan::service;
using namespace eenplan::testing;

namespace {

constexpr const char* api = "http://127.0.0.1:9/zaken/api/v1";
constexpr std::int64_t second = 1'000'000;

Config inbox_config(const TestStore& store) {
    Config config;
    config.database = {store.is_postgresql() ? Backend::postgresql : Backend::sqlite, store.connection(), 4};
    SourceConfig source;
    source.id = "gemeente";
    source.name = "gemeente";
    source.notifications = NotificationsConfig{"Token 0123456789abcdef", api, "eenplan", "secret", {}};
    config.sources.push_back(source);
    return config;
}

struct InboxFixture {
    TempDir dir;
    TestStore store{dir.path()};
    Config config = inbox_config(store);
    Database database{config.database};
    SignalStore signals{database};
    TextSealer sealer{KeyRing::create({VersionedKey(1, Bytes(32, 0x24))}, 1).value()};
    RecordKeeper records{database, config.linkage, sealer};
    HubPseudonymiser pseudonymiser{KeyRing::create({VersionedKey(1, Bytes(32, 0x42))}, 1).value(), std::nullopt};
    SignalStoredPublisher events;
    IngestPipeline pipeline{signals, pseudonymiser, records, nullptr, events};
    Authenticator authenticator{config};
    NotificationInbox inbox{database, authenticator, pipeline, Poco::Logger::get("notification_inbox_test")};
    std::int64_t t0 = 1'800'000'000LL * second;

    InboxFixture() { database.migrate(); }

    // The source as the notification handler has it: its token checked.
    AuthenticatedSource source() const {
        return std::get<AuthenticatedSource>(authenticator.notification_token("gemeente", "Token 0123456789abcdef"));
    }

    static inbound::Notification notification(int rol) {
        inbound::Notification n;
        n.kanaal = "zaken";
        n.resource = "rol";
        n.resource_url = std::string(api) + "/rollen/" + std::to_string(rol);
        n.actie = "create";
        n.aanmaakdatum = "2026-11-23T10:00:00Z";
        return n;
    }

    std::string column(const std::string& name, const std::string& id) const {
        auto sql = store.session();
        std::string value;
        soci::indicator ind = soci::i_ok;
        *sql << "SELECT " + name + " FROM inbound_notifications WHERE notification_id = :id", soci::use(id),
            soci::into(value, ind);
        return ind == soci::i_null ? "(null)" : value;
    }
    int attempts(const std::string& id) const {
        auto sql = store.session();
        int n = 0;
        *sql << "SELECT attempts FROM inbound_notifications WHERE notification_id = :id", soci::use(id), soci::into(n);
        return n;
    }
};

}  // namespace

SCENARIO_METHOD(InboxFixture, "a stored notification is worked off once, also after its claimer died", "[ingest]") {
    const auto first = inbox.accept(source(), notification(1), "jeugdteam", t0);
    CHECK(first.fresh);
    const auto repeat = inbox.accept(source(), notification(1), "jeugdteam", t0 + second);
    CHECK_FALSE(repeat.fresh);
    CHECK(repeat.notification_id == first.notification_id);
    CHECK(store.count("inbound_notifications") == 1);

    const auto claimed = inbox.claim(t0, t0 + 30 * second);
    REQUIRE(claimed);
    CHECK(claimed->id == first.notification_id);
    CHECK(claimed->source_id == "gemeente");
    CHECK(claimed->resource_url == std::string(api) + "/rollen/1");
    CHECK(claimed->provider == "jeugdteam");
    CHECK(claimed->attempts == 0);
    CHECK_FALSE(inbox.claim(t0 + second, t0 + 31 * second));  // held for its lease

    WHEN("the claimer dies and the lease ends") {
        const auto again = inbox.claim(t0 + 30 * second, t0 + 60 * second);
        REQUIRE(again);
        CHECK(again->id == claimed->id);
        CHECK(again->claim_token != claimed->claim_token);

        THEN("only the new claim records the outcome, and the signal is stored once") {
            inbox.done(*claimed, t0 + 31 * second);  // the dead claimer's late word
            CHECK(column("state", claimed->id) == "pending");

            const std::string rol = R"({"betrokkeneType":"natuurlijk_persoon","betrokkeneIdentificatie":{"inpBsn":")" +
                                    simulators::synthetic_bsn(40) + R"("}})";
            const auto signal = inbound::map_youth_care_rol(notification(1), rol, "jeugdteam");
            REQUIRE(signal);
            CHECK(inbox.hand_over(*again, signal.value(), t0 + 32 * second) == inbound::SignalHandover::stored);
            CHECK(inbox.hand_over(*again, signal.value(), t0 + 33 * second) == inbound::SignalHandover::stored);
            CHECK(store.count("signals") == 1);
            inbox.done(*again, t0 + 34 * second);
            CHECK(column("state", claimed->id) == "done");
            CHECK_FALSE(inbox.claim(t0 + 3600 * second, t0 + 3630 * second));
        }
    }
}

SCENARIO_METHOD(InboxFixture, "a retry waits for its time, and a failed notification stays put", "[ingest]") {
    const auto accepted = inbox.accept(source(), notification(2), "jeugdteam", t0);
    auto claimed = inbox.claim(t0, t0 + 30 * second);
    REQUIRE(claimed);
    inbox.retry(*claimed, t0 + 5 * second, "no answer from the Zaken API");
    CHECK(attempts(accepted.notification_id) == 1);
    CHECK(column("last_error", accepted.notification_id) == "no answer from the Zaken API");
    CHECK_FALSE(inbox.claim(t0 + 4 * second, t0 + 34 * second));
    claimed = inbox.claim(t0 + 5 * second, t0 + 35 * second);
    REQUIRE(claimed);
    CHECK(claimed->attempts == 1);

    inbox.fail(*claimed, "the rol cannot be mapped", t0 + 6 * second);
    CHECK(column("state", accepted.notification_id) == "failed");
    CHECK(attempts(accepted.notification_id) == 2);
    CHECK_FALSE(inbox.claim(t0 + 3600 * second, t0 + 3630 * second));
    CHECK(store.count("signals") == 0);
}

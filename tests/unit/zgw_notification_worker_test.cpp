// The ZGW notification worker against an in-memory inbox and Zaken API: a stored notification
// becomes one signal handed to the hub and is then done; a Zaken API that does not answer is asked
// again later with a doubling delay and the notification given up after the last attempt; a rol
// that cannot be mapped, or a signal the pipeline refuses, fails at once; a store that cannot take
// the signal now is tried again. Time is the test's own clock.
#include <catch2/catch.hpp>

#include <deque>
#include <vector>

#include "inbound/zgw_notification_worker.hpp"

using namespace eenplan::inbound;
using namespace std::chrono_literals;

namespace {

constexpr const char* api_base = "http://127.0.0.1:8999/zaken/api/v1";

class FakeZakenApi final : public RolLookup {
public:
    RolReply fetch(const CheckedResourceUrl&, const ZakenApi&, std::int64_t) const override {
        ++calls;
        if (down) return {RolReply::Status::unavailable, {}, "no answer from the Zaken API"};
        return {RolReply::Status::ok, rol, {}};
    }
    bool down = false;
    std::string rol = R"({"betrokkeneType":"natuurlijk_persoon","betrokkeneIdentificatie":{"inpBsn":"111222333"}})";
    mutable int calls = 0;
};

class FakeInbox final : public NotificationInbox {
public:
    std::optional<StoredNotification> claim(std::int64_t now_us, std::int64_t) override {
        if (pending.empty() || pending.front().second > now_us) return std::nullopt;
        StoredNotification n = pending.front().first;
        pending.pop_front();
        return n;
    }
    std::optional<ZakenApi> zaken_api(const std::string&) const override { return ZakenApi{api_base, "eenplan", "s"}; }
    SignalHandover hand_over(const StoredNotification&, const CanonicalRequest& signal, std::int64_t) override {
        handed.push_back(signal);
        return handover;
    }
    void done(const StoredNotification& n, std::int64_t) override { finished.emplace_back(n.id, "done"); }
    void retry(const StoredNotification& n, std::int64_t at_us, const std::string&) override {
        StoredNotification again = n;
        again.attempts += 1;
        retries_at.push_back(at_us);
        pending.emplace_back(again, at_us);
    }
    void fail(const StoredNotification& n, const std::string& detail, std::int64_t) override {
        finished.emplace_back(n.id, "failed: " + detail);
    }

    void add(const std::string& id) {
        pending.emplace_back(StoredNotification{id, "gemeente", std::string(api_base) + "/rollen/1", "create",
                                                "2026-11-23T10:00:00Z", "jeugdteam", 0, "token"},
                             0);
    }

    std::deque<std::pair<StoredNotification, std::int64_t>> pending;
    std::vector<CanonicalRequest> handed;
    std::vector<std::pair<std::string, std::string>> finished;
    std::vector<std::int64_t> retries_at;
    SignalHandover handover = SignalHandover::stored;
};

struct WorkerFixture {
    FakeInbox inbox;
    FakeZakenApi zaken;
    std::int64_t now_us = 1'000'000'000;
    NotificationWorkerOptions options{1s, 30s, 1s, 8s, 5};
    ZgwNotificationWorker worker{inbox, zaken, [this] { return now_us; }, options};
};

}  // namespace

SCENARIO_METHOD(WorkerFixture, "a stored notification becomes one youthcare.started signal", "[ingest]") {
    inbox.add("n1");
    REQUIRE(worker.work_one());
    REQUIRE(inbox.handed.size() == 1);
    CHECK(inbox.handed[0]->getValue<std::string>("type") == "youthcare.started");
    CHECK(inbox.handed[0]->getObject("data")->getValue<std::string>("provider") == "jeugdteam");
    CHECK(inbox.finished == std::vector<std::pair<std::string, std::string>>{{"n1", "done"}});
    CHECK_FALSE(worker.work_one());  // nothing due any more
}

SCENARIO_METHOD(WorkerFixture, "a Zaken API that does not answer is asked again with a doubling delay, then given up",
                "[ingest]") {
    zaken.down = true;
    inbox.add("n1");
    std::vector<std::int64_t> delays;
    for (int i = 0; i < 10 && !inbox.pending.empty(); ++i) {
        now_us = std::max(now_us, inbox.pending.front().second);
        REQUIRE(worker.work_one());
        if (inbox.retries_at.size() > delays.size()) delays.push_back(inbox.retries_at.back() - now_us);
    }
    CHECK(delays == std::vector<std::int64_t>{1'000'000, 2'000'000, 4'000'000, 8'000'000});
    CHECK(zaken.calls == 5);
    REQUIRE(inbox.finished.size() == 1);
    CHECK(inbox.finished[0].second.starts_with("failed: no answer from the Zaken API (after 5 attempts)"));
    CHECK(inbox.handed.empty());

    THEN("a notification that is not yet due is left alone") {
        zaken.down = false;
        inbox.add("n2");
        inbox.pending.front().second = now_us + 1;
        CHECK_FALSE(worker.work_one());
        now_us += 1;
        CHECK(worker.work_one());
        CHECK(inbox.finished.back() == std::pair<std::string, std::string>{"n2", "done"});
    }
}

SCENARIO_METHOD(WorkerFixture, "what can never become a signal fails at once; a busy store is tried again",
                "[ingest]") {
    WHEN("the rol carries no BSN") {
        zaken.rol = R"({"betrokkeneType":"natuurlijk_persoon","betrokkeneIdentificatie":{}})";
        inbox.add("n1");
        REQUIRE(worker.work_one());
        REQUIRE(inbox.finished.size() == 1);
        CHECK(inbox.finished[0].second.starts_with("failed: the rol cannot be mapped"));
        CHECK(inbox.handed.empty());
    }
    WHEN("the pipeline refuses the signal") {
        inbox.handover = SignalHandover::invalid;
        inbox.add("n1");
        REQUIRE(worker.work_one());
        CHECK(inbox.finished ==
              std::vector<std::pair<std::string, std::string>>{{"n1", "failed: the signal of the rol is not valid"}});
    }
    WHEN("the store cannot take it now") {
        inbox.handover = SignalHandover::unavailable;
        inbox.add("n1");
        REQUIRE(worker.work_one());
        CHECK(inbox.finished.empty());
        CHECK(inbox.retries_at == std::vector<std::int64_t>{now_us + 1'000'000});
    }
    WHEN("the rol URL is outside the source's Zaken API") {
        inbox.add("n1");
        inbox.pending.front().first.resource_url = "http://127.0.0.1:9000/zaken/api/v1/rollen/1";
        REQUIRE(worker.work_one());
        CHECK(zaken.calls == 0);
        CHECK(inbox.finished[0].second.starts_with("failed: the rol URL is outside"));
    }
}

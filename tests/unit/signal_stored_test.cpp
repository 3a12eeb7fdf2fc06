// The domain event "signal stored": the pipeline publishes, subscribers (the plan worker) hear it;
// the HTTP room knows neither side.
#include <catch2/catch.hpp>

#include <type_traits>
#include <vector>

#include "ingest/signal_stored.hpp"
#include "plan/plan_keeper.hpp"

using namespace eenplan;
using namespace eenplan::service;

namespace {
struct Recorder final : SignalStoredSubscriber {
    std::vector<SignalStored> heard;
    void signal_stored(const SignalStored& event) noexcept override { heard.push_back(event); }
};
}  // namespace

static_assert(std::is_base_of_v<SignalStoredSubscriber, PlanKeeper>, "the plan worker subscribes to signal stored");

SCENARIO("every subscriber hears each stored signal once", "[ingest]") {
    SignalStoredPublisher publisher;
    Recorder first;
    Recorder second;
    publisher.subscribe(first);
    publisher.subscribe(second);
    publisher.publish({"sig-1", "cor-1", "school-a", SignalType::mdo_held});
    REQUIRE(first.heard.size() == 1);
    REQUIRE(second.heard.size() == 1);
    CHECK(first.heard.front().signal_id == "sig-1");
    CHECK(second.heard.front().type == SignalType::mdo_held);
    SignalStoredPublisher nobody;
    nobody.publish({"sig-2", "cor-2", "school-a", SignalType::absence_reported});  // no subscriber: nothing happens
    CHECK(first.heard.size() == 1);
}

// The outbox dispatcher: worker threads that claim due deliveries in batches, check the whole batch
// against the sharing policy at once, deliver each through its recipient's connector over a
// keep-alive connection of their own, and record the outcomes together (a transaction per
// recipient per batch, or every 100 ms in a slow one). The claim's lease is renewed for the rest of
// a batch in one statement when half of it is gone, so nothing is sent under a lease that ran out.
// A thread sleeps until wake() (a task was queued) or the poll interval. Several instances may run
// on one PostgreSQL database; on SQLite one instance dispatches. A circuit breaker per recipient (shared by this instance's threads) holds
// back deliveries to a receiver that keeps failing, so it does not slow the others down; a batch
// sends to each of its recipients in a thread of its own, and rows for a receiver that is stuck in
// a slow send elsewhere are handed back at once, so a slow receiver holds up only its own tasks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Logger.h>

#include "config/config.hpp"
#include "eenplan/core/clock.hpp"
#include "eenplan/core/delivery/circuit_breaker.hpp"
#include "eenplan/core/delivery/retry_schedule.hpp"
#include "observability/metrics.hpp"
#include "outbox/outbox_store.hpp"
#include "privacy/disclosure_gate.hpp"

namespace eenplan::integration {
class Connector;
}

namespace eenplan::service {

class DomainConverter;  // identity/keyserver_client.hpp

class Dispatcher {
public:
    // `clock` decides what is due, how long a lease lasts and when a breaker closes again.
    // `gate`: the sharing policy every delivery passes right before it is sent; a delivery it
    // blocks is not sent and ends in state "blocked" with the reason code as its last_error.
    // `converter` (with a key server): a task whose subject is still the pupil's polymorphic
    // encryption (task_outbox.hpp) has it converted to its recipient's domain ("org:<id>") right
    // before it is sent, one round trip per recipient per batch. While the key server cannot
    // convert, such deliveries wait (no attempt counted, never dead-lettered for it) and are
    // looked at again after a backoff of 1 s doubling to 30 s.
    Dispatcher(const Config& config, OutboxStore& store, DisclosureGate& gate, const Clock& clock, Metrics& metrics,
               Poco::Logger& logger, std::shared_ptr<const DomainConverter> converter = nullptr);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void start();
    // Lets every thread finish the send in hand and record it, hands the rest of its batch back
    // (due at once), then joins them.
    void stop();
    // Something was queued (call it after the queueing transaction committed): one sleeping thread
    // looks now instead of at the next poll.
    void wake();
    // The circuit breaker of each configured recipient as this instance sees it at `now_us`
    // (breakers live in each instance's memory: another instance may see another state).
    [[nodiscard]] std::map<std::string, delivery::BreakerState> circuits(std::int64_t now_us) const;

private:
    struct Recipient {
        const RecipientConfig* config;
        delivery::RetryPolicy policy;
        std::mutex mutex;
        delivery::CircuitBreaker breaker;
        // Sends to this recipient in flight in this instance, and when one last started or ended
        // (steady clock): a recipient with sends in flight and no progress for a while is stalled.
        int in_flight = 0;
        std::chrono::steady_clock::time_point last_progress;
    };
    using Connectors = std::map<std::string, std::unique_ptr<integration::Connector>>;
    // One recipient's share of a claimed batch, in order, with the sharing policy's answer for each.
    struct Group {
        std::vector<const ClaimedDelivery*> deliveries;
        std::vector<GateAnswer> gate;
        std::int64_t checked_at_us = 0;  // when `gate` was decided
        std::set<std::string> lost;      // leases lost before the send
    };
    // The sharing policy as it stands now for deliveries [from, end) of each group: the
    // agreements, and the pupils and consents behind the tasks, read once for all of them.
    void check_sharing(std::vector<Group*> groups, std::size_t from);

    void run(unsigned seed);
    // One claimed batch: returns how many deliveries it claimed, less those handed back at once.
    std::size_t dispatch_batch(Connectors& connectors, std::uint64_t& random_state);
    // Sends the claimed deliveries of one recipient, in order, and records them; those not sent are
    // added to `moved`. After a send slower than the stall threshold the rest is handed back at
    // once: returns how many. `lease_until`: when the claim's lease ends.
    std::size_t send_group(Group& group, const std::string& token, std::int64_t lease_until, Connectors& connectors,
                           std::uint64_t random_state, std::vector<DeliveryOutcome>& moved);
    bool stalled(Recipient& recipient);
    // Converts the polymorphic subjects of the batch in place; returns the indexes of the
    // deliveries that must wait for the key server.
    std::vector<std::size_t> convert_subjects(std::vector<ClaimedDelivery>& batch);
    // Sends the delivery if its circuit and the sharing policy (`gate`) let it; attempted false:
    // not sent (deferred, dead for an open circuit past its maximum age, or blocked).
    DeliveryOutcome deliver(const ClaimedDelivery& claimed, GateAnswer& gate, Recipient& recipient,
                            Connectors& connectors, std::uint64_t& random_state);

    const Config& config_;
    OutboxStore& store_;
    DisclosureGate& gate_;
    const Clock& clock_;
    Metrics& metrics_;
    Poco::Logger& logger_;
    std::map<std::string, std::unique_ptr<Recipient>> recipients_;
    std::vector<std::thread> threads_;
    std::atomic<bool> stopping_{false};
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    std::uint64_t wake_generation_ = 0;
    std::shared_ptr<const DomainConverter> converter_;
    std::atomic<int> keyserver_failures_{0};  // in a row, for the backoff
};

// One connector for one recipient, for one thread.
std::unique_ptr<integration::Connector> make_connector(const RecipientConfig& recipient);

}  // namespace eenplan::service

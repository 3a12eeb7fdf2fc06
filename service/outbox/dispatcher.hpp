// The outbox dispatcher: worker threads that claim due deliveries in batches, deliver each through
// its recipient's connector over a keep-alive connection of their own under a lease renewed just
// before the send, and record each outcome right after it. Several instances may run on one PostgreSQL database; on SQLite one
// instance dispatches. A circuit breaker per recipient (shared by this instance's threads) holds
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

class Dispatcher {
public:
    // `clock` decides what is due, how long a lease lasts and when a breaker closes again.
    // `gate`: the sharing policy every delivery passes right before it is sent; a delivery it
    // blocks is not sent and ends in state "blocked" with the reason code as its last_error.
    Dispatcher(const Config& config, OutboxStore& store, DisclosureGate& gate, const Clock& clock, Metrics& metrics,
               Poco::Logger& logger);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void start();
    // Lets every thread finish the send in hand and record it, hands the rest of its batch back
    // (due at once), then joins them.
    void stop();
    // Something was queued: look now instead of at the next poll.
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

    void run(unsigned seed);
    // One claimed batch: returns how many deliveries it claimed, less those handed back at once.
    std::size_t dispatch_batch(Connectors& connectors, std::uint64_t& random_state);
    // The claimed deliveries of one recipient, in order; those not sent are added to `moved`. After
    // a send slower than the stall threshold the rest is handed back at once: returns how many.
    std::size_t send_group(const std::vector<const ClaimedDelivery*>& group, const std::string& token,
                           std::int64_t lease, Connectors& connectors, std::uint64_t random_state,
                           const std::vector<policy::Agreement>& agreements, std::vector<DeliveryOutcome>& moved);
    bool stalled(Recipient& recipient);
    // Renews the delivery's lease (`lease` microseconds from now) and sends it. An outcome with
    // attempted false and an empty delivery_id: the lease was lost, nothing to record.
    DeliveryOutcome deliver(const ClaimedDelivery& claimed, const std::string& token, std::int64_t lease,
                            Recipient& recipient, Connectors& connectors, std::uint64_t& random_state,
                            const std::vector<policy::Agreement>& agreements);

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
};

// One connector for one recipient, for one thread.
std::unique_ptr<integration::Connector> make_connector(const RecipientConfig& recipient);

}  // namespace eenplan::service

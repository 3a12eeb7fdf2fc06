#include "outbox/dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <optional>

#include <Poco/Message.h>

#include "outbound/webhook_connector.hpp"
#include "outbound/zgw_connector.hpp"
#include "common/log_event.hpp"
#include "eenplan/core/date_time.hpp"
#include "outbox/task_outbox.hpp"
#include "eenplan/core/policy/sharing_policy.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "identity/keyserver_client.hpp"
#include "outbound/task_json.hpp"
#include "store/database.hpp"

namespace eenplan::service {
namespace {

// splitmix64: a small per-thread generator for the jitter draw; no need for a shared engine.
double next_unit(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
}

// A receiver slower than this to answer is stalled: longer than a healthy receiver on a network
// path should take, far shorter than a connector's timeout.
constexpr auto stall_after = std::chrono::milliseconds(500);
// A group's sharing decisions are made for the whole group when its batch is claimed and made
// again for the rest of it once they are older than this: a consent withdrawn or an agreement
// ended stops disclosures within a second, however long a batch keeps sending.
constexpr std::int64_t recheck_after_us = 1'000'000;

// Sent deliveries are recorded in one transaction per group, or sooner once the oldest of them
// has waited this long: a crash between a send and its record means a second send after the lease
// (at least once; the receiver drops a webhook-id it has seen), so few sends should wait.
constexpr auto flush_after = std::chrono::milliseconds(100);

// Whether an answer says the receiver is unwell (for the breaker), as opposed to alive but
// refusing this one task.
bool receiver_failing(int status) { return status == 0 || status == 408 || status == 429 || status >= 500; }

const char* outcome_word(delivery::NextKind kind) {
    switch (kind) {
        case delivery::NextKind::delivered: return "delivered";
        case delivery::NextKind::retry: return "retry";
        case delivery::NextKind::dead_letter: return "dead";
    }
    return "retry";
}

}  // namespace

std::unique_ptr<integration::Connector> make_connector(const RecipientConfig& r) {
    const std::chrono::milliseconds timeout(r.timeout_ms);
    if (r.connector == ConnectorKind::zgw) {
        const ZgwRecipientConfig& z = *r.zgw;
        return std::make_unique<integration::ZgwZakenConnector>(
            integration::ZgwEndpoint{r.url, z.client_id, z.secret, z.zaaktype, z.statustype, z.bronorganisatie,
                                     z.verantwoordelijke_organisatie, r.ca_file, timeout});
    }
    return std::make_unique<integration::WebhookConnector>(
        integration::WebhookEndpoint{r.url, r.secret, r.ca_file, timeout});
}

Dispatcher::Dispatcher(const Config& config, OutboxStore& store, DisclosureGate& gate, const Clock& clock,
                       Metrics& metrics, Poco::Logger& logger, std::shared_ptr<const DomainConverter> converter)
    : config_(config),
      store_(store),
      gate_(gate),
      clock_(clock),
      metrics_(metrics),
      logger_(logger),
      converter_(std::move(converter)) {
    for (const RecipientConfig& r : config.recipients) {
        auto recipient = std::make_unique<Recipient>();
        recipient->config = &r;
        recipient->policy.schedule.clear();
        for (int s : r.retry_schedule_seconds) recipient->policy.schedule.emplace_back(s);
        recipient->policy.max_age = std::chrono::seconds(r.max_age_seconds);
        recipient->breaker = delivery::CircuitBreaker(
            {config.delivery.breaker_failure_threshold, std::chrono::seconds(config.delivery.breaker_open_seconds)});
        recipients_.emplace(r.id, std::move(recipient));
    }
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
    if (!config_.delivery.enabled || config_.recipients.empty() || !threads_.empty()) return;
    stopping_ = false;
    const auto seed = static_cast<unsigned>(clock_.now_us());
    for (int i = 0; i < config_.delivery.dispatcher_threads; ++i) {
        threads_.emplace_back([this, seed, i] { run(seed + static_cast<unsigned>(i) * 7919U); });
    }
}

void Dispatcher::stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
        ++wake_generation_;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
}

void Dispatcher::wake() {
    {
        std::lock_guard lock(wake_mutex_);
        ++wake_generation_;
    }
    // One sleeping thread claims what was queued; a thread busy with a batch sees the new
    // generation when it is done and claims again. A thread that claims a full batch wakes the
    // next one, so a backlog spreads over the threads while a trickle does not wake them all.
    wake_.notify_one();
}

std::map<std::string, delivery::BreakerState> Dispatcher::circuits(std::int64_t now_us) const {
    std::map<std::string, delivery::BreakerState> out;
    for (const auto& [id, recipient] : recipients_) {
        std::lock_guard lock(recipient->mutex);
        out.emplace(id, recipient->breaker.state(now_us));
    }
    return out;
}

void Dispatcher::run(unsigned seed) {
    Connectors connectors;
    std::uint64_t random_state = seed;
    const auto poll = std::chrono::milliseconds(config_.delivery.poll_interval_ms);
    while (!stopping_) {
        std::uint64_t generation = 0;
        {
            std::lock_guard lock(wake_mutex_);
            generation = wake_generation_;
        }
        std::size_t claimed = 0;
        try {
            claimed = dispatch_batch(connectors, random_state);
        } catch (const std::exception& error) {
            // The database went away; what was claimed becomes due again when its lease ends.
            log_event(logger_, Poco::Message::PRIO_WARNING, "delivery", "delivery.store_unavailable",
                      "dispatcher could not reach the store", {{"error", loggable_error(error)}});
        }
        if (claimed == static_cast<std::size_t>(config_.delivery.batch_size)) {
            // More may be due: this thread claims again at once, and another one joins in.
            wake();
            continue;
        }
        std::unique_lock lock(wake_mutex_);
        wake_.wait_for(lock, poll, [&] { return stopping_ || wake_generation_ != generation; });
    }
}

std::size_t Dispatcher::dispatch_batch(Connectors& connectors, std::uint64_t& random_state) {
    const std::int64_t start = clock_.now_us();
    const auto lease = static_cast<std::int64_t>(config_.delivery.lease_seconds) * 1'000'000;
    const std::int64_t lease_until = start + lease;
    std::string token;
    auto batch = store_.claim(config_.delivery.batch_size, start, lease_until, token);
    if (batch.empty()) return 0;
    std::vector<bool> waiting(batch.size(), false);
    if (converter_) {
        for (const std::size_t i : convert_subjects(batch)) waiting[i] = true;
    }
    // Deliveries that were not sent (unknown recipient, open circuit, stalled receiver, blocked) are
    // only moved; they are recorded together at the end. Sent ones are recorded by their group in
    // one transaction every flush_after (and at its end), under a lease the group renews in one
    // statement whenever less than half of it is left: neither the rows still waiting in the batch
    // nor the ones already sent depend on how long the whole batch takes. A row whose claim ran out
    // while it waited may be claimed by another dispatcher, and then this one leaves it alone.
    std::vector<DeliveryOutcome> moved;
    auto move = [&](const ClaimedDelivery& claimed, std::int64_t next) {
        DeliveryOutcome out;
        out.delivery_id = claimed.delivery_id;
        out.attempted = false;
        out.next_attempt_at_us = next;
        moved.push_back(std::move(out));
    };
    std::size_t handed_back = 0;
    // One group per recipient, in the order of the batch.
    std::vector<Group> groups;
    std::map<std::string, std::size_t> group_of;
    const int failures = keyserver_failures_.load();
    const std::int64_t keyserver_backoff_us =
        std::min<std::int64_t>(30'000'000, std::int64_t{1'000'000} << std::min(failures > 0 ? failures - 1 : 0, 5));
    for (std::size_t index = 0; index < batch.size(); ++index) {
        const ClaimedDelivery& claimed = batch[index];
        if (waiting[index]) {
            // Its subject could not be converted (the key server is unavailable): not an attempt,
            // and no reason to give up on it; it is looked at again after the backoff.
            metrics_.observe_delivery(claimed.recipient_id, "waiting_keyserver", 0.0);
            move(claimed, clock_.now_us() + keyserver_backoff_us);
            continue;
        }
        const auto it = recipients_.find(claimed.recipient_id);
        if (it == recipients_.end()) {
            // Not configured here (any more): leave it to an instance that knows the recipient, or
            // to an admin; look again after the lease.
            move(claimed, lease_until);
            continue;
        }
        if (stalled(*it->second)) {
            // Another thread of this instance is stuck in a slow send to this receiver: that thread
            // takes these when it is done (due at once, no attempt counted), and this one stays free
            // for the other receivers. Due now, they sort after every row that was due before, so
            // the next claim reaches those first.
            metrics_.observe_delivery(claimed.recipient_id, "deferred", 0.0);
            move(claimed, clock_.now_us());
            ++handed_back;
            continue;
        }
        const auto [slot, added] = group_of.try_emplace(claimed.recipient_id, groups.size());
        if (added) groups.emplace_back();
        groups[slot->second].deliveries.push_back(&claimed);
        connectors.try_emplace(claimed.recipient_id);  // created here, so the group threads only read the map
    }
    if (!groups.empty()) {
        std::vector<Group*> all;
        for (Group& group : groups) all.push_back(&group);
        check_sharing(all, 0);
    }
    // Each recipient's deliveries in a thread of their own (the first in this one): a receiver that
    // answers slowly delays only its own tasks, not the rest of the batch.
    std::vector<std::vector<DeliveryOutcome>> group_moved(groups.size());
    std::vector<std::size_t> group_handed_back(groups.size(), 0);
    std::vector<std::thread> senders;
    for (std::size_t g = 1; g < groups.size(); ++g) {
        senders.emplace_back([&, g, state = random_state + g * 0x9e3779b97f4a7c15ULL] {
            try {
                group_handed_back[g] = send_group(groups[g], token, lease_until, connectors, state, group_moved[g]);
            } catch (const std::exception& error) {
                // The store went away mid-group: what is left is due again after its lease.
                log_event(logger_, Poco::Message::PRIO_WARNING, "delivery", "delivery.store_unavailable",
                          "dispatcher could not reach the store", {{"error", loggable_error(error)}});
            }
        });
    }
    try {
        if (!groups.empty())
            group_handed_back[0] = send_group(groups[0], token, lease_until, connectors, random_state, group_moved[0]);
    } catch (...) {
        for (std::thread& t : senders) t.join();
        throw;
    }
    for (std::thread& t : senders) t.join();
    next_unit(random_state);
    for (auto& m : group_moved) std::move(m.begin(), m.end(), std::back_inserter(moved));
    for (const std::size_t n : group_handed_back) handed_back += n;
    store_.record(moved, token, clock_.now_us());
    // Rows handed back for a stalled receiver do not count: a batch of only those waits for the
    // next poll instead of claiming them again at once.
    return batch.size() - handed_back;
}

void Dispatcher::check_sharing(std::vector<Group*> groups, std::size_t from) {
    const std::vector<policy::Agreement> agreements = gate_.agreements();
    const std::int64_t checked_at = clock_.now_us();
    const std::string today = date_time::format_full_date(std::chrono::year_month_day(clock_.today()));
    std::vector<GateRequest> requests;
    for (const Group* group : groups) {
        for (std::size_t k = from; k < group->deliveries.size(); ++k) {
            const ClaimedDelivery* c = group->deliveries[k];
            requests.push_back(
                {c->delivery_id, c->task_id, c->recipient_id, c->payload, c->correlation_id, today, checked_at});
        }
    }
    std::vector<GateAnswer> answers = gate_.check(requests, agreements);
    std::size_t next = 0;
    for (Group* group : groups) {
        group->gate.resize(group->deliveries.size());
        for (std::size_t k = from; k < group->deliveries.size(); ++k) group->gate[k] = std::move(answers[next++]);
        group->checked_at_us = checked_at;
    }
}

std::size_t Dispatcher::send_group(Group& group, const std::string& token, std::int64_t lease_until,
                                   Connectors& connectors, std::uint64_t random_state,
                                   std::vector<DeliveryOutcome>& moved) {
    const auto lease = static_cast<std::int64_t>(config_.delivery.lease_seconds) * 1'000'000;
    // Sent, not yet recorded; since when the oldest of them waits.
    std::vector<DeliveryOutcome> sent;
    auto oldest = std::chrono::steady_clock::now();
    auto flush = [&] {
        if (sent.empty()) return;
        store_.record(sent, token, clock_.now_us());
        sent.clear();
    };
    bool slow = false;
    std::size_t handed_back = 0;
    for (std::size_t k = 0; k < group.deliveries.size(); ++k) {
        const ClaimedDelivery* claimed = group.deliveries[k];
        if (stopping_ || slow) {
            // Shutting down, or the receiver took longer than stall_after to answer: hand the rest
            // back at once (due now, no attempt counted) instead of after the lease, so this thread
            // is free for the other receivers; the next claim spreads them over the threads.
            DeliveryOutcome back;
            back.delivery_id = claimed->delivery_id;
            back.attempted = false;
            back.next_attempt_at_us = clock_.now_us();
            moved.push_back(std::move(back));
            ++handed_back;
            continue;
        }
        if (clock_.now_us() + lease / 2 >= lease_until) {
            // Less than half of the lease is left (a slow batch, or the clock moved): what was sent is
            // recorded, and the rest of the group gets a new lease in one statement before any of it
            // is sent. A row no longer held was claimed again elsewhere (or cancelled): not ours.
            flush();
            std::vector<std::string> rest;
            for (std::size_t r = k; r < group.deliveries.size(); ++r) rest.push_back(group.deliveries[r]->delivery_id);
            const std::int64_t renewed_until = clock_.now_us() + lease;
            const std::vector<std::string> held = store_.renew(rest, token, renewed_until);
            lease_until = renewed_until;
            for (std::size_t r = k; r < group.deliveries.size(); ++r) {
                const std::string& id = group.deliveries[r]->delivery_id;
                if (std::find(held.begin(), held.end(), id) != held.end()) continue;
                log_event(logger_, Poco::Message::PRIO_INFORMATION, "delivery", "delivery.lease_lost",
                          "lease lost before sending", {{"delivery_id", id}});
                metrics_.observe_delivery(group.deliveries[r]->recipient_id, "lease_lost", 0.0);
                group.lost.insert(id);
            }
        }
        if (group.lost.contains(claimed->delivery_id)) continue;
        if (clock_.now_us() - group.checked_at_us > recheck_after_us) {
            // The group has been sending for a while: a consent withdrawn or an agreement ended
            // meanwhile applies to the rest of it from now on, not from the next batch.
            check_sharing({&group}, k);
        }
        Recipient& recipient = *recipients_.at(claimed->recipient_id);
        DeliveryOutcome outcome = deliver(*claimed, group.gate[k], recipient, connectors, random_state);
        if (!outcome.attempted) {
            moved.push_back(std::move(outcome));
            continue;
        }
        slow = std::chrono::microseconds(outcome.latency_us) > stall_after;
        if (sent.empty()) oldest = std::chrono::steady_clock::now();
        sent.push_back(std::move(outcome));
        if (slow || stopping_ || std::chrono::steady_clock::now() - oldest >= flush_after) flush();
    }
    flush();
    return handed_back;
}

std::vector<std::size_t> Dispatcher::convert_subjects(std::vector<ClaimedDelivery>& batch) {
    // The polymorphic subjects of the batch, per recipient: one conversion request for each.
    struct Pending {
        std::vector<std::size_t> index;
        std::vector<delivery::SharedTask> tasks;
        std::vector<PolymorphicCiphertext> encryptions;
    };
    std::map<std::string, Pending> per_recipient;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].payload.find(polymorphic_ciphertext_prefix) == std::string::npos) continue;
        auto task = integration::task_from_json(batch[i].payload);
        if (!task || !task->subject.starts_with(polymorphic_ciphertext_prefix)) continue;
        auto encryption = PolymorphicCiphertext::parse(task->subject, "");
        if (!encryption) continue;
        Pending& pending = per_recipient[batch[i].recipient_id];
        pending.index.push_back(i);
        pending.tasks.push_back(std::move(task).value());
        pending.encryptions.push_back(std::move(encryption).value());
    }
    std::vector<std::size_t> waiting;
    for (auto& [recipient_id, pending] : per_recipient) {
        try {
            const auto converted = converter_->convert(pending.encryptions, policy::recipient_domain(recipient_id));
            for (std::size_t k = 0; k < pending.index.size(); ++k) {
                pending.tasks[k].subject = converted[k].to_string();
                batch[pending.index[k]].payload = integration::task_to_json(pending.tasks[k]);
            }
            keyserver_failures_ = 0;
        } catch (const KeyServerUnavailable& error) {
            const int failures = ++keyserver_failures_;
            waiting.insert(waiting.end(), pending.index.begin(), pending.index.end());
            log_event(logger_, Poco::Message::PRIO_WARNING, "delivery", "delivery.keyserver_unavailable",
                      "task subjects not converted: the key server is unavailable; the deliveries wait",
                      {{"recipient_id", recipient_id},
                       {"count", std::to_string(pending.index.size())},
                       {"failures", std::to_string(failures)},
                       {"error", error.what()}});
        }
    }
    return waiting;
}

bool Dispatcher::stalled(Recipient& recipient) {
    std::lock_guard lock(recipient.mutex);
    return recipient.in_flight > 0 && std::chrono::steady_clock::now() - recipient.last_progress > stall_after;
}

DeliveryOutcome Dispatcher::deliver(const ClaimedDelivery& claimed, GateAnswer& gate, Recipient& recipient,
                                    Connectors& connectors, std::uint64_t& random_state) {
    DeliveryOutcome out;
    out.delivery_id = claimed.delivery_id;
    out.correlation_id = claimed.correlation_id;
    const std::int64_t started = clock_.now_us();
    {
        std::lock_guard lock(recipient.mutex);
        if (!recipient.breaker.allow(started)) {
            out.attempted = false;
            out.next_attempt_at_us = recipient.breaker.retry_at(started);
            const std::int64_t deadline = claimed.schedule_started_at_us +
                                          static_cast<std::int64_t>(recipient.policy.max_age.count()) * 1'000'000;
            if (out.next_attempt_at_us <= deadline) {
                metrics_.observe_delivery(recipient.config->id, "deferred", 0.0);
                return out;
            }
        }
    }
    if (!out.attempted) {
        // The circuit stays open past the delivery's maximum age: dead letter now, as the retry
        // schedule would have made it had the attempts been let through, not whenever a probe
        // happens to pick it.
        out.state = "dead";
        out.error = "the receiver's circuit stayed open past the maximum age of " +
                    std::to_string(recipient.policy.max_age.count()) + " s; not sent";
        out.next_attempt_at_us = started;
        log_event(logger_, Poco::Message::PRIO_WARNING, "delivery", "delivery.dead", "task delivery failed",
                  {{"delivery_id", claimed.delivery_id},
                   {"task_id", claimed.task_id},
                   {"recipient_id", claimed.recipient_id},
                   {"correlation_id", claimed.correlation_id},
                   {"error", out.error}});
        metrics_.observe_delivery(recipient.config->id, "dead", 0.0);
        return out;
    }
    // The sharing policy as it stood when the batch was claimed (dispatch_batch): no agreement, no
    // consent where one is needed, or a category the task cannot go without that is not allowed:
    // nothing leaves.
    const std::int64_t checked_at = clock_.now_us();
    if (!gate.decision.allowed) {
        out.attempted = false;
        out.state = "blocked";
        out.error = "blocked: " + gate.decision.reason;
        out.next_attempt_at_us = checked_at;
        log_event(logger_, Poco::Message::PRIO_WARNING, "delivery", "delivery.blocked",
                  "task not sent: the sharing policy blocks it",
                  {{"delivery_id", claimed.delivery_id},
                   {"task_id", claimed.task_id},
                   {"recipient_id", claimed.recipient_id},
                   {"correlation_id", claimed.correlation_id},
                   {"outcome", "blocked"},
                   {"error", out.error}});
        metrics_.observe_delivery(recipient.config->id, "blocked", 0.0);
        return out;
    }
    auto& connector = connectors.at(claimed.recipient_id);
    if (!connector) connector = make_connector(*recipient.config);

    const auto t0 = std::chrono::steady_clock::now();
    // Counted in flight for stalled() until the send returns, or throws.
    struct InFlight {
        Recipient& r;
        explicit InFlight(Recipient& recipient) : r(recipient) {
            std::lock_guard lock(r.mutex);
            ++r.in_flight;
            r.last_progress = std::chrono::steady_clock::now();
        }
        ~InFlight() {
            std::lock_guard lock(r.mutex);
            --r.in_flight;
            r.last_progress = std::chrono::steady_clock::now();
        }
        InFlight(const InFlight&) = delete;
        InFlight& operator=(const InFlight&) = delete;
    };
    std::optional<InFlight> in_flight;
    in_flight.emplace(recipient);
    const integration::ConnectorAnswer answer =
        connector->deliver({claimed.delivery_id, gate.payload, claimed.correlation_id, started / 1'000'000});
    in_flight.reset();
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    const std::int64_t finished = clock_.now_us();
    {
        std::lock_guard lock(recipient.mutex);
        if (receiver_failing(answer.status)) {
            recipient.breaker.record_failure(finished);
        } else {
            recipient.breaker.record_success(finished);
        }
    }
    const delivery::NextStep step =
        delivery::next_step(recipient.policy, claimed.schedule_attempts + 1, claimed.schedule_started_at_us, finished,
                            {answer.status, answer.retry_after}, next_unit(random_state));
    out.attempt = claimed.attempts + 1;
    out.started_at_us = started;
    out.latency_us = latency.count();
    out.status = answer.status;
    out.outcome = outcome_word(step.kind);
    out.external_reference = answer.external_reference;
    switch (step.kind) {
        case delivery::NextKind::delivered:
            out.state = "delivered";
            out.next_attempt_at_us = finished;
            out.disclosure = std::move(gate.disclosure);
            if (out.disclosure) out.disclosure->disclosed_at_us = finished;
            break;
        case delivery::NextKind::retry:
            out.state = "pending";
            out.error = answer.error;
            out.next_attempt_at_us = step.next_attempt_at_us;
            break;
        case delivery::NextKind::dead_letter:
            out.state = "dead";
            out.error = answer.error.empty() ? step.reason : answer.error + "; " + step.reason;
            out.next_attempt_at_us = finished;
            break;
    }

    LogFields fields{{"delivery_id", claimed.delivery_id},
                     {"task_id", claimed.task_id},
                     {"recipient_id", claimed.recipient_id},
                     {"correlation_id", claimed.correlation_id},
                     {"attempt", std::to_string(out.attempt)},
                     {"status", std::to_string(answer.status)},
                     {"latency_ms", std::to_string(static_cast<double>(out.latency_us) / 1000.0)}};
    if (!out.error.empty()) fields.emplace_back("error", out.error);
    const std::string event = "delivery." + out.outcome;
    log_event(logger_, out.state == "dead" ? Poco::Message::PRIO_WARNING : Poco::Message::PRIO_INFORMATION, "delivery",
              event.c_str(), out.state == "delivered" ? "task delivered" : "task delivery failed", fields);
    metrics_.observe_delivery(claimed.recipient_id, out.outcome, static_cast<double>(out.latency_us) / 1e6);
    return out;
}

}  // namespace eenplan::service

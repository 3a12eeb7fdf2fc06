// Remembers the webhook-ids of deliveries the flow has taken, so that a retry of one (the hub
// retries a delivery under the same id for up to 48 hours, with a fresh signed timestamp each
// time) is acknowledged again without reaching the flow twice. The ids are kept for the hub's
// maximum retry age plus a margin, in the node's context under a chosen context store: with a
// persistent store (Node-RED's contextStorage, e.g. localfilesystem) they survive a restart.
'use strict';

// The hub's RetryPolicy::max_age (module/core/include/eenplan/core/delivery/retry_schedule.hpp).
const hubMaxRetryAgeMs = 48 * 3600 * 1000;
const keepMs = hubMaxRetryAgeMs + 3600 * 1000;
const key = 'seenWebhookIds';

class ReplayGuard {
  constructor(context, store) {
    this.context = context;
    this.store = store || undefined;
    this.keepMs = keepMs;
    this.seen = { ...(context.get(key, this.store) || {}) };
  }

  has(id, nowMs = Date.now()) {
    const expiry = this.seen[id];
    return expiry !== undefined && expiry > nowMs;
  }

  add(id, nowMs = Date.now()) {
    this.seen[id] = nowMs + this.keepMs;
    this.prune(nowMs);
    this.context.set(key, this.seen, this.store);
  }

  prune(nowMs = Date.now()) {
    for (const [id, expiry] of Object.entries(this.seen)) {
      if (expiry <= nowMs) delete this.seen[id];
    }
  }
}

module.exports = { ReplayGuard, hubMaxRetryAgeMs, keepMs };

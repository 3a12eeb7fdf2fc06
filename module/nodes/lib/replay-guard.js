// Remembers the webhook-ids of accepted deliveries for twice the timestamp tolerance. That is
// enough: a delivery older than the tolerance is refused on its signed timestamp anyway, so an id
// only has to be remembered while its timestamp could still pass. The ids live in the node's
// context, so a Node-RED with a persistent context store keeps them across a restart.
'use strict';

class ReplayGuard {
  constructor(context, toleranceSeconds) {
    this.context = context;
    this.keepMs = 2 * toleranceSeconds * 1000;
    this.seen = context.get('seenWebhookIds') || {};
  }

  has(id, nowMs = Date.now()) {
    const expiry = this.seen[id];
    return expiry !== undefined && expiry > nowMs;
  }

  add(id, nowMs = Date.now()) {
    this.seen[id] = nowMs + this.keepMs;
    this.prune(nowMs);
    this.context.set('seenWebhookIds', this.seen);
  }

  prune(nowMs = Date.now()) {
    for (const [id, expiry] of Object.entries(this.seen)) {
      if (expiry <= nowMs) delete this.seen[id];
    }
  }
}

module.exports = { ReplayGuard };

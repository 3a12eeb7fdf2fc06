// eenplan-signal-out: validates a canonical signal against the hub's schema, signs it (Standard
// Webhooks: webhook-id, webhook-timestamp, webhook-signature) and posts it to
// /v1/sources/{sourceId}/signals. Failures the hub may recover from (network, timeout, 408, 429,
// 5xx) are retried with backoff under the same webhook-id, so the hub stores the signal once
// however often it arrives. A signal the hub refuses (4xx) or that runs out of attempts leaves on
// the second output with the reason.
'use strict';
const crypto = require('node:crypto');
const native = require('./lib/native');
const { request } = require('./lib/http');
const { defaultScheduleMs, retryable, retryAfterMs, delayMs } = require('./lib/retry');
const { validateSignal } = require('./lib/schema');
const { numberOf } = require('./lib/subjects');

module.exports = function (RED) {
  function EenplanSignalOutNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const hub = RED.nodes.getNode(config.hub);
    const allowPlain = config.allowPlain === true;
    const schedule = config.retries !== undefined && config.retries !== ''
      ? defaultScheduleMs.slice(0, Math.max(1, Number(config.retries) + 1)) : defaultScheduleMs;
    const timers = new Set();
    let sent = 0;
    let inFlight = 0;

    const status = (fill, text) => node.status({ fill, shape: fill === 'green' ? 'dot' : 'ring', text });
    if (!hub) status('red', 'no eenplan-hub configured');
    else status('grey', `ready: ${hub.url || 'no hub URL'}`);

    const wait = (ms) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { timers.delete(timer); resolve(); }, ms);
      timer.reject = reject;
      timers.add(timer);
    });

    async function deliver(body, webhookId) {
      for (let attempt = 0; ; attempt += 1) {
        const timestamp = Math.floor(Date.now() / 1000);
        let response;
        let failure;
        try {
          response = await request(hub.signalsUrl(), {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': webhookId,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': native.sign(hub.secret, webhookId, timestamp, body),
            },
            body,
            ca: hub.ca,
            rejectUnauthorized: hub.rejectUnauthorized,
            timeoutMs: hub.timeoutMs,
          });
          if (response.status >= 200 && response.status < 300) return { response, attempts: attempt + 1 };
          failure = `the hub answered ${response.status}`;
        } catch (error) {
          failure = error.message;
        }
        const next = retryable(response && response.status)
          ? delayMs(schedule, attempt + 1, retryAfterMs(response && response.headers['retry-after'], Date.now()))
          : undefined;
        if (next === undefined) return { response, failure, attempts: attempt + 1 };
        status('yellow', `retrying in ${Math.round(next / 1000)} s (${failure})`);
        await wait(next);
      }
    }

    node.on('input', async (msg, send, done) => {
      if (!hub) { done(new Error('no eenplan-hub configured')); return; }
      const signal = msg.payload;
      const problems = validateSignal(signal);
      if (!allowPlain && problems.length === 0 && numberOf(signal)) {
        problems.push({ pointer: '/subject', detail: 'holds a readable number; pseudonymise it first (or allow plain numbers on this node)' });
      }
      if (problems.length) {
        msg.eenplan = { ...(msg.eenplan || {}), problems };
        status('red', `invalid signal: ${problems[0].pointer} ${problems[0].detail}`);
        send([null, msg]);
        done();
        return;
      }

      const webhookId = (msg.eenplan && msg.eenplan.webhookId) || `msg_${crypto.randomUUID()}`;
      const body = JSON.stringify(signal);
      inFlight += 1;
      try {
        const { response, failure, attempts } = await deliver(body, webhookId);
        msg.eenplan = { ...(msg.eenplan || {}), webhookId, attempts };
        if (response) {
          msg.eenplan.status = response.status;
          try { msg.eenplan.response = JSON.parse(response.body); } catch { msg.eenplan.response = response.body; }
        }
        if (failure) {
          msg.eenplan.error = failure;
          status('red', `failed: ${failure}`);
          send([null, msg]);
        } else {
          sent += 1;
          status('green', `sent ${sent}${inFlight > 1 ? `, ${inFlight - 1} pending` : ''}`);
          send([msg, null]);
        }
        done();
      } catch (error) {
        done(error);
      } finally {
        inFlight -= 1;
      }
    });

    node.on('close', (removed, closed) => {
      for (const timer of timers) {
        clearTimeout(timer);
        timer.reject(new Error('eenplan-signal-out was stopped while waiting to retry'));
      }
      timers.clear();
      closed();
    });
  }

  RED.nodes.registerType('eenplan-signal-out', EenplanSignalOutNode);
};

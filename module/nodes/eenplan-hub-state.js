// eenplan-hub-state: reads state from the hub's admin API for a dashboard or a check in a flow:
//   plan        GET /v1/plans/{familyId}          the plan of one family, as the hub keeps it
//   delivery    GET /v1/deliveries/{deliveryId}   one task delivery: state, attempts, last error
//   deliveries  GET /v1/deliveries?state=…&limit=…  the deliveries in a state
// The id comes from the node's property or, when that is empty, from msg.payload (a string). The
// admin token (a bearer JWT with the read role, issued by the hub's administrator) is a
// credential of this node, never exported with a flow. Any failure (network, 401/403, 404, 5xx)
// goes to catch nodes with msg.error and msg.statusCode; the answer leaves as msg.payload.
'use strict';
const { request } = require('./lib/http');

const kinds = new Set(['plan', 'delivery', 'deliveries']);
const deliveryStates = new Set(['pending', 'delivered', 'dead', 'cancelled', 'all']);
const idPattern = /^[A-Za-z0-9._:-]{1,200}$/;

module.exports = function (RED) {
  function EenplanHubStateNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const hub = RED.nodes.getNode(config.hub);
    const kind = kinds.has(config.kind) ? config.kind : 'plan';
    const token = (node.credentials && node.credentials.token || '').trim();
    const state = deliveryStates.has(config.state) ? config.state : 'pending';
    const limit = Math.min(Math.max(Number(config.limit) || 50, 1), 500);
    let reads = 0;

    if (!hub) node.status({ fill: 'red', shape: 'ring', text: 'no eenplan-hub configured' });
    else if (!token) node.status({ fill: 'red', shape: 'ring', text: 'no admin token' });
    else node.status({ fill: 'grey', shape: 'ring', text: kind });

    function target(msg) {
      if (kind === 'deliveries') return `/v1/deliveries?state=${state}&limit=${limit}`;
      const id = config.itemId || (typeof msg.payload === 'string' ? msg.payload : '');
      if (!idPattern.test(id)) {
        throw new Error(`eenplan-hub-state: no valid ${kind === 'plan' ? 'family' : 'delivery'} id (set it on the node or as msg.payload)`);
      }
      return kind === 'plan' ? `/v1/plans/${encodeURIComponent(id)}` : `/v1/deliveries/${encodeURIComponent(id)}`;
    }

    function fail(msg, done, error, statusCode) {
      node.status({ fill: 'red', shape: 'ring', text: error.message.replace(/^eenplan-hub-state: /, '').slice(0, 60) });
      if (statusCode !== undefined) msg.statusCode = statusCode;
      done(error);
    }

    node.on('input', async (msg, send, done) => {
      if (!hub) { fail(msg, done, new Error('eenplan-hub-state: no eenplan-hub configured')); return; }
      if (!token) { fail(msg, done, new Error('eenplan-hub-state: no admin token configured')); return; }
      let path;
      try {
        path = target(msg);
      } catch (error) {
        fail(msg, done, error);
        return;
      }
      let response;
      try {
        response = await request(hub.url + path, {
          headers: { accept: 'application/json', authorization: `Bearer ${token}` },
          ca: hub.ca, rejectUnauthorized: hub.rejectUnauthorized, timeoutMs: hub.timeoutMs,
        });
      } catch (error) {
        fail(msg, done, new Error(`eenplan-hub-state: the hub did not answer: ${error.message}`));
        return;
      }
      let body;
      try { body = JSON.parse(response.body); } catch { body = response.body; }
      if (response.status !== 200) {
        const reason = body && typeof body === 'object' && (body.detail || body.title) ? `: ${body.detail || body.title}` : '';
        const what = response.status === 401 || response.status === 403 ? 'the hub refused the admin token'
          : response.status === 404 ? `no such ${kind}` : `the hub answered ${response.status}`;
        msg.payload = body;
        fail(msg, done, new Error(`eenplan-hub-state: ${what}${reason}`), response.status);
        return;
      }
      reads += 1;
      msg.payload = body;
      msg.statusCode = response.status;
      const summary = kind === 'deliveries' ? `${(body.deliveries || []).length} ${state}`
        : body && body.state ? `${kind}: ${body.state}` : kind;
      node.status({ fill: 'green', shape: 'dot', text: `${summary} (${new Date().toISOString().slice(11, 19)} UTC, ${reads} reads)` });
      send(msg);
      done();
    });
  }

  RED.nodes.registerType('eenplan-hub-state', EenplanHubStateNode, {
    credentials: { token: { type: 'password' } },
  });
};

// hub-state against a small server that answers as the hub's admin API does; errors of every
// eenplan node reach a catch node with msg.error; every node shows a status.
'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const { helper, nodes } = require('./support');

const token = 'eyJ.test.token';
const settle = (ms = 250) => new Promise((r) => setTimeout(r, ms));

describe('eenplan-hub-state [nodered]', () => {
  let hub;
  let hubUrl;
  const seen = [];
  before(async () => {
    hub = http.createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      const send = (status, body, type = 'application/json') => { res.writeHead(status, { 'content-type': type }); res.end(JSON.stringify(body)); };
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { title: 'Unauthorized', detail: 'invalid token' }, 'application/problem+json');
      if (req.url === '/v1/plans/fam-1') return send(200, { family_id: 'fam-1', state: 'active', tables: [] });
      if (req.url === '/v1/deliveries/del-1') return send(200, { delivery_id: 'del-1', state: 'dead', attempts: 8 });
      if (req.url.startsWith('/v1/deliveries?')) return send(200, { deliveries: [{ delivery_id: 'del-1' }] });
      return send(404, { title: 'Not Found' }, 'application/problem+json');
    });
    await new Promise((r) => hub.listen(0, '127.0.0.1', r));
    hubUrl = `http://127.0.0.1:${hub.address().port}`;
  });
  after(() => hub.close());
  afterEach(() => helper.unload());

  async function load(state, credentials = { token }) {
    await helper.load(nodes, [
      { id: 'f1', type: 'tab' },
      { id: 'hub', type: 'eenplan-hub', url: hubUrl, sourceId: 'gm0603' },
      { id: 'hs1', z: 'f1', type: 'eenplan-hub-state', hub: 'hub', ...state, wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ], { hs1: credentials });
    const result = { out: [], caught: [], statuses: [] };
    helper.getNode('out').on('input', (msg) => result.out.push(msg));
    helper.getNode('caught').on('input', (msg) => result.caught.push(msg));
    const node = helper.getNode('hs1');
    const status = node.status.bind(node);
    node.status = (s) => { result.statuses.push(s); return status(s); };
    return result;
  }

  it('reads a plan by the id in msg.payload, with the admin token as bearer', async () => {
    const result = await load({ kind: 'plan', itemId: '' });
    helper.getNode('hs1').receive({ payload: 'fam-1' });
    await settle();
    assert.equal(result.out.length, 1);
    assert.deepEqual(result.out[0].payload, { family_id: 'fam-1', state: 'active', tables: [] });
    assert.equal(seen.at(-1).authorization, `Bearer ${token}`);
    assert.equal(result.statuses.at(-1).fill, 'green');
    assert.match(result.statuses.at(-1).text, /plan: active/);
  });

  it('reads one delivery and the list of deliveries in a state', async () => {
    let result = await load({ kind: 'delivery', itemId: 'del-1' });
    helper.getNode('hs1').receive({});
    await settle();
    assert.equal(result.out[0].payload.state, 'dead');
    await helper.unload();
    result = await load({ kind: 'deliveries', state: 'dead', limit: 10 });
    helper.getNode('hs1').receive({});
    await settle();
    assert.equal(seen.at(-1).url, '/v1/deliveries?state=dead&limit=10');
    assert.equal(result.out[0].payload.deliveries.length, 1);
  });

  it('sends a refused token, an unknown id and a bad id to the catch node with the reason', async () => {
    let result = await load({ kind: 'plan', itemId: 'fam-1' }, { token: 'wrong' });
    helper.getNode('hs1').receive({});
    await settle();
    assert.equal(result.out.length, 0);
    assert.match(result.caught[0].error.message, /refused the admin token: invalid token/);
    assert.equal(result.caught[0].statusCode, 401);
    assert.equal(result.statuses.at(-1).fill, 'red');
    await helper.unload();

    result = await load({ kind: 'plan', itemId: '' });
    helper.getNode('hs1').receive({ payload: 'fam-unknown' });
    helper.getNode('hs1').receive({ payload: '../admin' });
    await settle();
    assert.equal(result.caught.length, 2);
    assert.match(result.caught.map((m) => m.error.message).join('\n'), /no such plan/);
    assert.match(result.caught.map((m) => m.error.message).join('\n'), /no valid family id/);
  });
});

describe('errors of the eenplan nodes reach a catch node [nodered]', () => {
  afterEach(() => helper.unload());

  it('signal out and pseudonymise without a hub, task done without a delivery id', async () => {
    await helper.load(nodes, [
      { id: 'f1', type: 'tab' },
      { id: 'so', z: 'f1', type: 'eenplan-signal-out', hub: '', wires: [[], []] },
      { id: 'ps', z: 'f1', type: 'eenplan-pseudonymise', hub: '', mode: 'polymorphic', wires: [[], []] },
      { id: 'td', z: 'f1', type: 'eenplan-task-done', outcome: 'taken', wires: [[]] },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ]);
    const caught = [];
    helper.getNode('caught').on('input', (msg) => caught.push(msg));
    for (const id of ['so', 'ps', 'td']) helper.getNode(id).receive({ payload: { marker: id } });
    await settle();
    const bySource = Object.fromEntries(caught.map((msg) => [msg.error.source.id, msg]));
    assert.deepEqual(Object.keys(bySource).sort(), ['ps', 'so', 'td']);
    assert.match(bySource.so.error.message, /no eenplan-hub configured/);
    assert.match(bySource.ps.error.message, /not configured/);
    assert.match(bySource.td.error.message, /webhookId is missing/);
    // The message that failed travels with its error.
    assert.deepEqual(bySource.so.payload, { marker: 'so' });
  });
});

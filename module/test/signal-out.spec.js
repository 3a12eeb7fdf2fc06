// signal-out against a small HTTP server that checks signatures the way the hub does.
'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const native = require('../nodes/lib/native');
const { helper, nodes, vectors, nextMessage } = require('./support');

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const signal = () => ({
  type: 'absence.reported',
  occurred_at: '2026-11-23T08:00:00Z',
  subject: { polymorphic: new native.PolymorphicEncrypter(vectors.polymorphic.public_key).encrypt('bsn', '111222333').ciphertext },
  school: { brin: '12AB', gemeentecode: 'GM0518' },
  data: { absence_kind: 'ongeoorloofd', from: '2026-11-20' },
});

// Answers with the next of `answers` ([status, headers]) and records what it received.
function fakeHub(answers) {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const verification = native.verify([secret], {
        id: req.headers['webhook-id'], timestamp: req.headers['webhook-timestamp'], signature: req.headers['webhook-signature'],
      }, body, Math.floor(Date.now() / 1000));
      received.push({ url: req.url, id: req.headers['webhook-id'], verified: verification.accepted, body: body.toString() });
      const [status, headers = {}] = answers.shift() || [202];
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(status < 300 ? { signal_id: 's-1' } : { title: 'Service Unavailable', status }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, received, url: `http://127.0.0.1:${server.address().port}` })));
}

function flow(url) {
  return [
    { id: 'hub', type: 'eenplan-hub', url, sourceId: 'obs-de-regenboog' },
    { id: 'out', type: 'eenplan-signal-out', hub: 'hub', retries: 2, wires: [['stored'], ['refused']] },
    { id: 'stored', type: 'helper' },
    { id: 'refused', type: 'helper' },
  ];
}

describe('eenplan-signal-out [nodered]', () => {
  let hub;
  afterEach(async () => { await helper.unload(); if (hub) hub.server.close(); hub = undefined; });

  it('signs, posts, and retries a 503 under the same webhook-id', async () => {
    hub = await fakeHub([[503, { 'retry-after': '0' }], [202]]);
    await helper.load(nodes, flow(hub.url), { hub: { secret } });
    const stored = nextMessage(helper.getNode('stored'));
    helper.getNode('out').receive({ payload: signal() });
    const msg = await stored;
    assert.equal(msg.eenplan.status, 202);
    assert.equal(msg.eenplan.attempts, 2);
    assert.equal(msg.eenplan.response.signal_id, 's-1');
    assert.equal(hub.received.length, 2);
    assert.ok(hub.received.every((r) => r.verified && r.url === '/v1/sources/obs-de-regenboog/signals'));
    assert.equal(hub.received[0].id, hub.received[1].id);
    assert.deepEqual(JSON.parse(hub.received[1].body), msg.payload);
  });

  it('does not retry a signal the hub refuses, and reports its answer', async () => {
    hub = await fakeHub([[422]]);
    await helper.load(nodes, flow(hub.url), { hub: { secret } });
    const refused = nextMessage(helper.getNode('refused'));
    helper.getNode('out').receive({ payload: signal(), eenplan: { webhookId: 'las_12AB_77' } });
    const msg = await refused;
    assert.equal(msg.eenplan.status, 422);
    assert.equal(hub.received.length, 1);
    assert.equal(hub.received[0].id, 'las_12AB_77');
  });

  it('refuses an invalid signal and a readable number without sending anything', async () => {
    hub = await fakeHub([]);
    await helper.load(nodes, flow(hub.url), { hub: { secret } });
    const first = nextMessage(helper.getNode('refused'));
    const bad = signal();
    delete bad.occurred_at;
    helper.getNode('out').receive({ payload: bad });
    assert.match(JSON.stringify((await first).eenplan.problems), /occurred_at/);

    const second = nextMessage(helper.getNode('refused'));
    helper.getNode('out').receive({ payload: { ...signal(), subject: { bsn: '111222333' } } });
    assert.equal((await second).eenplan.problems[0].pointer, '/subject');
    assert.equal(hub.received.length, 0);
  });
});

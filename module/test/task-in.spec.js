// task-in on the runtime's real HTTP endpoint: signature, timestamp and webhook-id checked before a
// task reaches the flow.
'use strict';
const assert = require('node:assert/strict');
const native = require('../nodes/lib/native');
const request = require('supertest');
const { helper, nodes, runtime } = require('./support');

const taskSecret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const otherSecret = 'whsec_' + Buffer.alloc(32, 8).toString('base64');
const task = { type: 'adviestafel.register', subject: 'ppd1:abcdefghijklmnopqrstuvwxyz234567', due_date: '2026-12-01', reference: 'https://hub/v1/tasks/1' };

function post(body, { id = 'msg_1', timestamp = Math.floor(Date.now() / 1000), secret = taskSecret } = {}) {
  return request(runtime.RED.httpNode).post('/eenplan/tasks')
    .set('content-type', 'application/json')
    .set('webhook-id', id)
    .set('webhook-timestamp', String(timestamp))
    .set('webhook-signature', native.sign(secret, id, timestamp, body))
    .send(body);
}

describe('eenplan-task-in [nodered]', () => {
  let emitted;
  beforeEach(async () => {
    await helper.load(nodes, [
      { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'gm0603' },
      { id: 'in', type: 'eenplan-task-in', hub: 'hub', url: '/eenplan/tasks', tolerance: 300, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { hub: { taskSecret } });
    emitted = [];
    helper.getNode('out').on('input', (msg) => emitted.push(msg));
  });
  afterEach(() => helper.unload());

  it('accepts a signed task once and acknowledges a repeat without emitting it', async () => {
    const body = JSON.stringify(task);
    const first = await post(body);
    assert.equal(first.status, 202);
    const repeat = await post(body);
    assert.equal(repeat.status, 200);
    assert.equal(repeat.body.status, 'duplicate');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(emitted.length, 1);
    assert.deepEqual(emitted[0].payload, task);
    assert.equal(emitted[0].eenplan.webhookId, 'msg_1');
  });

  it('refuses a bad signature, a tampered body and a replay outside the tolerance', async () => {
    const body = JSON.stringify(task);
    const wrongKey = await post(body, { secret: otherSecret });
    assert.equal(wrongKey.status, 401);
    assert.match(wrongKey.headers['content-type'], /application\/problem\+json/);

    const signed = native.sign(taskSecret, 'msg_2', Math.floor(Date.now() / 1000), body);
    const tampered = await request(runtime.RED.httpNode).post('/eenplan/tasks')
      .set('webhook-id', 'msg_2').set('webhook-timestamp', String(Math.floor(Date.now() / 1000)))
      .set('webhook-signature', signed).send(body.replace('2026-12-01', '2027-12-01'));
    assert.equal(tampered.status, 401);

    const stale = await post(body, { id: 'msg_3', timestamp: Math.floor(Date.now() / 1000) - 301 });
    assert.equal(stale.status, 401);
    assert.match(JSON.parse(stale.text).detail, /tolerance|timestamp/i);
    assert.equal(emitted.length, 0);
  });
});

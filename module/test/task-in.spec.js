// task-in on the runtime's real HTTP endpoint: signature, timestamp and webhook-id checked before a
// task reaches the flow.
'use strict';
const assert = require('node:assert/strict');
const native = require('../nodes/lib/native');
const request = require('supertest');
const { helper, nodes, runtime } = require('./support');
const { ReplayGuard, hubMaxRetryAgeMs } = require('../nodes/lib/replay-guard');

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
      { id: 'in', type: 'eenplan-task-in', hub: 'hub', url: '/eenplan/tasks', tolerance: 300, ack: 'immediate', wires: [['out']] },
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

  it('acknowledges at once, with a warning, for a node saved before the ack property existed', async () => {
    await helper.unload();
    await helper.load(nodes, [
      { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'gm0603' },
      { id: 'in', type: 'eenplan-task-in', hub: 'hub', url: '/eenplan/tasks', tolerance: 300, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { hub: { taskSecret } });
    assert.ok(helper.getNode('in').warn.calledWithMatch(/add an eenplan-task-done node/));
    const answer = await post(JSON.stringify(task), { id: 'msg_legacy' });
    assert.equal(answer.status, 202);
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

// The acknowledgement path: the hub's delivery is answered only when the flow says the task is
// taken (eenplan-task-done), so a flow that fails loses nothing and the hub retries.
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('eenplan-task-in with eenplan-task-done [nodered]', () => {
  const body = JSON.stringify(task);
  let emitted;
  let caught;

  // task-in → (a "case system" that fails while `failing` is set) → task done; catch → retry.
  async function load({ ackTimeout = 2, failing = false } = {}) {
    const system = { failing };
    const failer = (RED) => {
      RED.nodes.registerType('case-system', function (config) {
        RED.nodes.createNode(this, config);
        this.on('input', (msg, send, done) => {
          if (system.failing) done(new Error('case system unavailable'));
          else { send(msg); done(); }
        });
      });
    };
    await helper.load([...nodes, failer], [
      { id: 'f1', type: 'tab' },
      { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'gm0603' },
      { id: 'in', z: 'f1', type: 'eenplan-task-in', hub: 'hub', url: '/eenplan/tasks', tolerance: 300, ack: 'flow', ackTimeout, wires: [['out', 'sys']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'sys', z: 'f1', type: 'case-system', wires: [['td-taken']] },
      { id: 'td-taken', z: 'f1', type: 'eenplan-task-done', outcome: 'taken', wires: [['acked']] },
      { id: 'acked', z: 'f1', type: 'helper' },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['td-retry', 'caught']] },
      { id: 'td-retry', z: 'f1', type: 'eenplan-task-done', outcome: 'retry', wires: [[]] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ], { hub: { taskSecret } });
    emitted = [];
    caught = [];
    helper.getNode('out').on('input', (msg) => emitted.push(msg));
    helper.getNode('caught').on('input', (msg) => caught.push(msg));
    return system;
  }
  afterEach(() => helper.unload());

  it('answers 202 only once task done has marked the task taken, and a repeat 200', async () => {
    await load();
    const acked = [];
    helper.getNode('acked').on('input', (msg) => acked.push(msg));
    const first = await post(body, { id: 'msg_taken' });
    assert.equal(first.status, 202);
    await settle();
    assert.equal(acked.length, 1);
    assert.equal(acked[0].eenplan.acknowledged, 'taken');
    const repeat = await post(body, { id: 'msg_taken' });
    assert.equal(repeat.status, 200);
    assert.equal(emitted.length, 1);
    const seen = helper.getNode('in').context().get('seenWebhookIds');
    assert.ok(seen.msg_taken - Date.now() >= hubMaxRetryAgeMs, 'the id is kept for less than the hub retries');
  });

  it('answers 503 when the flow fails, so the hub retries, and takes the retry once the flow works', async () => {
    const system = await load({ failing: true });
    const failed = await post(body, { id: 'msg_retry' });
    assert.equal(failed.status, 503);
    assert.match(failed.headers['content-type'], /application\/problem\+json/);
    assert.ok(Number(failed.headers['retry-after']) > 0);
    await settle();
    assert.equal(caught.length, 1);
    assert.match(caught[0].error.message, /case system unavailable/);
    assert.equal(caught[0].error.source.type, 'case-system');
    system.failing = false;
    const retried = await post(body, { id: 'msg_retry' });
    assert.equal(retried.status, 202);
    await settle();
    assert.equal(emitted.length, 2, 'the retry did not reach the flow again');
  });

  it('answers 503 when no task done answers within the ack timeout', async () => {
    await helper.load(nodes, [
      { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'gm0603' },
      { id: 'in', type: 'eenplan-task-in', hub: 'hub', url: '/eenplan/tasks', tolerance: 300, ack: 'flow', ackTimeout: 0.3, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { hub: { taskSecret } });
    const started = Date.now();
    const answer = await post(body, { id: 'msg_slow' });
    assert.equal(answer.status, 503);
    assert.ok(Date.now() - started >= 250);
    assert.match(JSON.parse(answer.text).detail, /did not confirm/);
    const later = await post(body, { id: 'msg_slow' });
    assert.equal(later.status, 503, 'an id never taken must not be acknowledged');
  });

  it('sends a task done without a delivery id to the catch node with the reason', async () => {
    await load();
    helper.getNode('td-taken').receive({ payload: {} });
    await settle();
    const fromDone = caught.filter((msg) => msg.error.source.id === 'td-taken');
    assert.equal(fromDone.length, 1);
    assert.match(fromDone[0].error.message, /webhookId is missing/);
  });
});

describe('the replay guard of eenplan-task-in [nodered]', () => {
  // A context as Node-RED gives it, over stores by name (what a persistent store would keep).
  function contextOver(stores) {
    return {
      get: (key, store) => (stores[store || 'default'] || {})[key],
      set: (key, value, store) => { stores[store || 'default'] = { ...(stores[store || 'default'] || {}), [key]: JSON.parse(JSON.stringify(value)) }; },
    };
  }

  it('keeps taken ids in the chosen store beyond the hub\'s 48 h retry age, across a restart', () => {
    const stores = {};
    const now = Date.UTC(2026, 11, 1, 12);
    new ReplayGuard(contextOver(stores), 'file').add('msg_a', now);
    assert.ok(stores.file.seenWebhookIds.msg_a, 'not written to the named store');
    assert.equal(stores.default, undefined);
    const afterRestart = new ReplayGuard(contextOver(stores), 'file');
    assert.equal(afterRestart.has('msg_a', now + 47 * 3600 * 1000), true);
    assert.equal(afterRestart.has('msg_a', now + hubMaxRetryAgeMs), true);
    assert.equal(afterRestart.has('msg_a', now + 50 * 3600 * 1000), false);
    afterRestart.add('msg_b', now + 50 * 3600 * 1000);
    assert.deepEqual(Object.keys(stores.file.seenWebhookIds), ['msg_b']);
  });

  it('keeps them across a restart in Node-RED\'s own file context store', async () => {
    const fs = require('node:fs');
    const os = require('node:os');
    const path = require('node:path');
    const localfilesystem = require(require.resolve('@node-red/runtime/lib/nodes/context/localfilesystem', { paths: [require.resolve('node-red')] }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eenplan-context-'));
    // The node's context as Node-RED builds it over a store: scope "<node id>:<flow id>".
    const contextOn = (store) => ({
      get: (key) => store.get('in:f1', key),
      set: (key, value) => store.set('in:f1', key, value),
    });
    try {
      const before = localfilesystem({ dir, flushInterval: 0 });
      await before.open();
      new ReplayGuard(contextOn(before), 'file').add('msg_persisted');
      await before.close();
      const after = localfilesystem({ dir, flushInterval: 0 });
      await after.open();
      const guard = new ReplayGuard(contextOn(after), 'file');
      assert.equal(guard.has('msg_persisted'), true, 'the id did not survive the restart');
      assert.equal(guard.has('msg_persisted', Date.now() + hubMaxRetryAgeMs), true);
      await after.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// With a key server the hub sends the subject as an encryption for this organisation's domain; the
// recipient key on the eenplan-hub node opens it into the organisation's own pseudonym.
describe('eenplan-task-in with a recipient key [nodered]', () => {
  const recipientKey = '1c'.repeat(32);
  const domain = 'org:gm0603';
  const ours = new native.RecipientDecrypter(recipientKey, domain);
  const forUs = new native.PolymorphicEncrypter(ours.publicKey);
  const forOthers = new native.PolymorphicEncrypter(new native.RecipientDecrypter('2d'.repeat(32), 'org:gm0518').publicKey);
  let emitted;
  beforeEach(async () => {
    await helper.load(nodes, [
      { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'gm0603', recipientDomain: domain },
      { id: 'in', type: 'eenplan-task-in', hub: 'hub', url: '/eenplan/tasks', tolerance: 300, ack: 'immediate', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ], { hub: { taskSecret, recipientKey } });
    emitted = [];
    helper.getNode('out').on('input', (msg) => emitted.push(msg));
  });
  afterEach(() => helper.unload());

  it('emits the organisation\'s own pseudonym, the same for two encryptions of one pupil', async () => {
    const first = forUs.encrypt('bsn', '111222333').ciphertext;
    const second = forUs.encrypt('bsn', '111222333').ciphertext;
    assert.notEqual(first, second);
    assert.equal((await post(JSON.stringify({ ...task, subject: first }), { id: 'msg_pp_1' })).status, 202);
    assert.equal((await post(JSON.stringify({ ...task, subject: second }), { id: 'msg_pp_2' })).status, 202);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(emitted.length, 2);
    assert.match(emitted[0].payload.subject, /^ppd1:[a-z2-7]{32}$/);
    assert.equal(emitted[0].payload.subject, emitted[1].payload.subject);
    assert.equal(emitted[0].payload.subject, ours.decrypt(first).pseudonym);
  });

  it('answers 503 and emits nothing for a subject encrypted for another organisation', async () => {
    const answer = await post(JSON.stringify({ ...task, subject: forOthers.encrypt('bsn', '111222333').ciphertext }),
      { id: 'msg_pp_other' });
    assert.equal(answer.status, 503);
    assert.ok(answer.headers['retry-after']);
    assert.match(answer.headers['content-type'], /application\/problem\+json/);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(emitted.length, 0);
  });
});

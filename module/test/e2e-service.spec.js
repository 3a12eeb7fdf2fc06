// The example school flow in a real Node-RED process, against the real eenplan-service on SQLite:
// a LAS export read at night ends as signals stored under the hub's pseudonym, with no BSN
// anywhere in the hub, and the pseudonym is the one the hub gives the same BSN sent plainly.
'use strict';
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const native = require('../nodes/lib/native');
const { request } = require('../nodes/lib/http');
const { bsns, helper, nodes } = require('./support');
const { freePort, waitFor, startService, stopAll } = require('./processes');

const moduleDir = path.join(__dirname, '..');
const exampleFlow = path.join(moduleDir, 'examples', 'school-nightly-absences.json');
const municipalityFlow = path.join(moduleDir, 'examples', 'municipality-tasks.json');
const taskSecret = 'whsec_' + crypto.randomBytes(32).toString('base64');
const adminSecret = crypto.randomBytes(32).toString('hex');

// An admin bearer token for the hub's API: HS256 JWT with iss, aud, sub, roles and exp.
function adminToken() {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = part({ alg: 'HS256', typ: 'JWT' }) + '.' + part({ iss: 'eenplan', aud: 'eenplan-admin', sub: 'beheer@gemeente.example', roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 600 });
  return unsigned + '.' + crypto.createHmac('sha256', adminSecret).update(unsigned).digest('base64url');
}
const secretA = 'whsec_' + crypto.randomBytes(32).toString('base64');
const secretB = 'whsec_' + crypto.randomBytes(32).toString('base64');

function sql(db, query) {
  return execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' }).trim() || '[]';
}

describe('the example school flow against the real service [nodered][ingest]', function () {
  this.timeout(90000);
  const serviceBinary = process.env.EENPLAN_SERVICE_BINARY;
  const keysBinary = process.env.EENPLAN_KEYS_BINARY;
  let dir;
  let service;
  let nodeRed;
  let hubUrl;
  let publicKey;
  let uiPort;
  let caseSystem;
  const caseItems = [];
  let nodeRedOutput = '';
  let deliveredId;

  before(async function () {
    if (!serviceBinary || !keysBinary) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eenplan-nodered-'));
    fs.writeFileSync(path.join(dir, 'admin.secret'), adminSecret, { mode: 0o600 });
    uiPort = await freePort();
    // The municipality's case system, behind its Node-RED: records what the flow creates.
    caseSystem = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        caseItems.push({ headers: req.headers, body: JSON.parse(body) });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `case-${caseItems.length}` }));
      });
    });
    await new Promise((r) => caseSystem.listen(0, '127.0.0.1', r));
    ({ child: service, url: hubUrl, publicKey } = await startService({
      dir, serviceBinary, keysBinary, extraConfig: [
        'admin: {jwt_secret_file: admin.secret}',
        'delivery: {poll_interval_ms: 50}',
        'testing: {default_agreement: true}',
        'recipients:',
        `  - {id: gm1916, name: "Leidschendam-Voorburg (Node-RED)", connector: nodered, url: "http://127.0.0.1:${uiPort}/eenplan/tasks", secret: "${taskSecret}", timeout_ms: 2000}`,
        'sources:',
        `  - {id: obs-de-regenboog, secrets: ["${secretA}"]}`,
        `  - {id: leerplicht-gm0518, secrets: ["${secretB}"]}`,
      ],
    }));
  });

  after(async () => {
    await stopAll([service, nodeRed]);
    if (caseSystem) caseSystem.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores the nightly export pseudonymised, as the hub pseudonymises a plain BSN', async () => {
    // The school's Node-RED: its own user directory with this package installed by link, the
    // example flow as shipped, the signal secret as a credential.
    const userDir = path.join(dir, 'node-red');
    fs.mkdirSync(path.join(userDir, 'node_modules', '@eenplan'), { recursive: true });
    fs.symlinkSync(moduleDir, path.join(userDir, 'node_modules', '@eenplan', 'node-red-eenplan'));
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'school-node-red', private: true, dependencies: { '@eenplan/node-red-eenplan': '*' } }));
    // Both shipped example flows: the school's nightly sync and the municipality's task intake.
    const flows = [...JSON.parse(fs.readFileSync(exampleFlow, 'utf8')), ...JSON.parse(fs.readFileSync(municipalityFlow, 'utf8'))];
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({
      a1f0c0de00000002: { secret: secretA },
      b2e0c0de00000002: { taskSecret },
    }));
    fs.writeFileSync(path.join(userDir, 'settings.js'),
      "module.exports = { flowFile: 'flows.json', credentialSecret: false, uiHost: '127.0.0.1', logging: { console: { level: 'info' } } };\n");
    const exportFile = path.join(dir, 'verzuim.csv');
    fs.writeFileSync(exportFile, [
      'Registratienummer;BSN;Datum van;Datum tot;Soort verzuim;Uren',
      `9001;${bsns[0]};02-11-2026;06-11-2026;Ongeoorloofd verzuim;20`,
      `9002;${bsns[2]};09-11-2026;;Ziek;4`,
      '9003;123456789;09-11-2026;;Ongeoorloofd verzuim;4',
    ].join('\n'));

    let output = '';
    nodeRed = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--port', String(uiPort), '--settings', path.join(userDir, 'settings.js')], {
      cwd: userDir,
      env: {
        ...process.env, EENPLAN_HUB_URL: hubUrl, EENPLAN_SOURCE_ID: 'obs-de-regenboog', EENPLAN_HUB_PUBLIC_KEY: publicKey,
        EENPLAN_LAS_EXPORT: exportFile, CASE_SYSTEM_URL: `http://127.0.0.1:${caseSystem.address().port}/items`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nodeRed.stdout.on('data', (d) => { output += d; nodeRedOutput += d; });
    nodeRed.stderr.on('data', (d) => { output += d; nodeRedOutput += d; });
    await waitFor('Node-RED to start the flows', () => output.includes('Started flows') || (nodeRed.exitCode !== null && Promise.reject(new Error(output))));
    assert.doesNotMatch(output, /eenplan.*(error|not found)/i);

    // "Every night at 02:00", now: press the inject button through the editor's admin API.
    const pressed = await request(`http://127.0.0.1:${uiPort}/inject/a1f0c0de00000003`, { method: 'POST' });
    assert.equal(pressed.status, 200);

    const db = path.join(dir, 'eenplan.db');
    const rows = await waitFor('two stored signals', () => {
      const stored = JSON.parse(sql(db, "SELECT webhook_id, subject_kind, subject_pseudonym, envelope FROM signals WHERE source_id = 'obs-de-regenboog' ORDER BY webhook_id"));
      return stored.length >= 2 && stored;
    });
    assert.deepEqual(rows.map((r) => r.webhook_id), ['las_12AB_9001', 'las_12AB_9002']);
    rows.forEach((r) => {
      assert.equal(r.subject_kind, 'polymorphic');
      assert.match(r.subject_pseudonym, /^kp1:1:/);
    });
    // The envelope is stored under the pupil's payload key (docs/retention.md): no content in the clear.
    assert.match(rows[1].envelope, /^pk1\|pupil\//);
    assert.doesNotMatch(rows[1].envelope, /ziekte|absence_kind/);

    // The municipality sends the first pupil with a readable BSN: the hub links it to the same pseudonym.
    const body = JSON.stringify({ type: 'absence.reported', occurred_at: '2026-11-23T08:00:00Z', subject: { bsn: bsns[0] }, school: { brin: '12AB', gemeentecode: 'GM0518' }, data: { absence_kind: 'ongeoorloofd', from: '2026-11-02' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const sent = await request(`${hubUrl}/v1/sources/leerplicht-gm0518/signals`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_plain_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': native.sign(secretB, 'msg_plain_1', timestamp, body) },
    });
    assert.equal(sent.status, 202);
    const plain = JSON.parse(sql(db, "SELECT subject_pseudonym FROM signals WHERE source_id = 'leerplicht-gm0518'"));
    assert.equal(plain[0].subject_pseudonym, rows[0].subject_pseudonym);

    // No number of the export in the hub's database or log, in any of its renderings.
    const hubBytes = fs.readFileSync(db).toString('latin1') + fs.readFileSync(path.join(dir, 'service.log'), 'utf8');
    for (const number of [bsns[0], bsns[2], '123456789']) {
      assert.ok(!hubBytes.includes(number), 'a number of the export reached the hub');
      assert.ok(!hubBytes.includes(Buffer.from(number).toString('base64')), 'a number of the export reached the hub');
    }
  });

  it('delivers a hub task into the municipality\'s case system through the task-in flow, once', async () => {
    const db = path.join(dir, 'eenplan.db');
    const [{ subject_pseudonym: pupil }] = JSON.parse(sql(db, "SELECT subject_pseudonym FROM signals WHERE webhook_id = 'las_12AB_9001'"));
    const created = await request(`${hubUrl}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken()}` },
      body: JSON.stringify({ type: 'adviestafel.aanmelden', recipient: 'gm1916', pupil, due_date: '2026-12-14', reason: 'vier weken verzuim', reference: 'plan/e2e/adviestafel' }),
    });
    assert.equal(created.status, 201, created.body);
    const deliveryId = JSON.parse(created.body).delivery_id;
    deliveredId = deliveryId;
    const item = await waitFor('the case item', () => caseItems[0], 30000).catch(async (error) => {
      const answer = await request(`${hubUrl}/v1/deliveries/${deliveryId}`, { headers: { authorization: `Bearer ${adminToken()}` } });
      throw new Error(`${error.message}; delivery: ${answer.body}; node-red: ${nodeRedOutput.slice(-2000)}`);
    });
    assert.equal(item.body.title, 'eenplan: adviestafel.aanmelden');
    assert.equal(item.body.due, '2026-12-14');
    assert.equal(item.body.source.reference, 'plan/e2e/adviestafel');
    // The municipality's own pseudonym of the pupil, not the hub's; the delivery id is the idempotency key.
    assert.match(item.body.subject_pseudonym, /^kp1:/);
    assert.notEqual(item.body.subject_pseudonym, pupil);
    assert.equal(item.headers['idempotency-key'], JSON.parse(created.body).delivery_id);
    const delivered = await waitFor('the delivery to be marked delivered', async () => {
      const answer = await request(`${hubUrl}/v1/deliveries/${JSON.parse(created.body).delivery_id}`, { headers: { authorization: `Bearer ${adminToken()}` } });
      return JSON.parse(answer.body).state === 'delivered' && answer;
    });
    assert.ok(delivered);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(caseItems.length, 1);
  });

  it('shows the delivery\'s state and the plans to a hub-state node with an admin token', async function () {
    if (!deliveredId) this.skip();
    await helper.load(nodes, [
      { id: 'f1', type: 'tab' },
      { id: 'hub', type: 'eenplan-hub', url: hubUrl, sourceId: 'gm1916' },
      { id: 'hs1', z: 'f1', type: 'eenplan-hub-state', hub: 'hub', kind: 'delivery', itemId: '', wires: [['out']] },
      { id: 'hs2', z: 'f1', type: 'eenplan-hub-state', hub: 'hub', kind: 'deliveries', state: 'delivered', limit: 10, wires: [['out']] },
      { id: 'hs3', z: 'f1', type: 'eenplan-hub-state', hub: 'hub', kind: 'plan', itemId: 'no-such-family', wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ], { hs1: { token: adminToken() }, hs2: { token: adminToken() }, hs3: { token: adminToken() } });
    try {
      const out = [];
      const caught = [];
      helper.getNode('out').on('input', (msg) => out.push(msg));
      helper.getNode('caught').on('input', (msg) => caught.push(msg));
      helper.getNode('hs1').receive({ payload: deliveredId });
      helper.getNode('hs2').receive({});
      helper.getNode('hs3').receive({});
      await waitFor('three answers', () => out.length + caught.length >= 3, 10000);
      const one = out.find((msg) => msg.payload && msg.payload.delivery_id === deliveredId);
      assert.ok(one, JSON.stringify(out.map((m) => m.payload)));
      assert.equal(one.payload.state, 'delivered');
      const list = out.find((msg) => msg.payload && Array.isArray(msg.payload.deliveries));
      assert.ok(list.payload.deliveries.some((d) => d.delivery_id === deliveredId));
      assert.equal(caught.length, 1);
      assert.equal(caught[0].statusCode, 404);
      assert.match(caught[0].error.message, /no such plan/);
    } finally {
      await helper.unload();
    }
  });
});

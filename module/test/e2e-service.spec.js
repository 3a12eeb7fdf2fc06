// The example school flow in a real Node-RED process, against the real eenplan-service on SQLite:
// a LAS export read at night ends as signals stored under the hub's pseudonym, with no BSN
// anywhere in the hub, and the pseudonym is the one the hub gives the same BSN sent plainly.
'use strict';
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const native = require('../nodes/lib/native');
const { request } = require('../nodes/lib/http');
const { bsns } = require('./support');

const moduleDir = path.join(__dirname, '..');
const exampleFlow = path.join(moduleDir, 'examples', 'school-nightly-absences.json');
const secretA = 'whsec_' + crypto.randomBytes(32).toString('base64');
const secretB = 'whsec_' + crypto.randomBytes(32).toString('base64');

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, ms = 30000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

  before(async function () {
    if (!serviceBinary || !keysBinary) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eenplan-nodered-'));
    fs.writeFileSync(path.join(dir, 'hub-v1.key'), crypto.randomBytes(32).toString('hex'));
    publicKey = execFileSync(keysBinary, ['generate', path.join(dir, 'master.yaml')], { encoding: 'utf8' }).trim();
    fs.writeFileSync(path.join(dir, 'eenplan.yaml'), [
      'listen: {address: 127.0.0.1, port: 0}',
      'database: {backend: sqlite, connection: "db=eenplan.db"}',
      'keys:',
      '  pseudonym_keys: [{version: 1, file: hub-v1.key}]',
      '  polymorphic_master_key: master.yaml',
      'logging: {level: information, file: service.log}',
      'sources:',
      `  - {id: obs-de-regenboog, secrets: ["${secretA}"]}`,
      `  - {id: leerplicht-gm0518, secrets: ["${secretB}"]}`,
    ].join('\n'));
    service = spawn(serviceBinary, ['--config', 'eenplan.yaml'], { cwd: dir, stdio: 'ignore' });
    const port = await waitFor('eenplan-service to listen', () => {
      const log = fs.existsSync(path.join(dir, 'service.log')) ? fs.readFileSync(path.join(dir, 'service.log'), 'utf8') : '';
      const match = /"event":"service.listening","port":"(\d+)"/.exec(log);
      return match && match[1];
    });
    hubUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    for (const child of [nodeRed, service]) {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores the nightly export pseudonymised, as the hub pseudonymises a plain BSN', async () => {
    // The school's Node-RED: its own user directory with this package installed by link, the
    // example flow as shipped, the signal secret as a credential.
    const userDir = path.join(dir, 'node-red');
    fs.mkdirSync(path.join(userDir, 'node_modules', '@eenplan'), { recursive: true });
    fs.symlinkSync(moduleDir, path.join(userDir, 'node_modules', '@eenplan', 'node-red-eenplan'));
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'school-node-red', private: true, dependencies: { '@eenplan/node-red-eenplan': '*' } }));
    fs.copyFileSync(exampleFlow, path.join(userDir, 'flows.json'));
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ a1f0c0de00000002: { secret: secretA } }));
    fs.writeFileSync(path.join(userDir, 'settings.js'),
      "module.exports = { flowFile: 'flows.json', credentialSecret: false, uiHost: '127.0.0.1', logging: { console: { level: 'info' } } };\n");
    const exportFile = path.join(dir, 'verzuim.csv');
    fs.writeFileSync(exportFile, [
      'Registratienummer;BSN;Datum van;Datum tot;Soort verzuim;Uren',
      `9001;${bsns[0]};02-11-2026;06-11-2026;Ongeoorloofd verzuim;20`,
      `9002;${bsns[2]};09-11-2026;;Ziek;4`,
      '9003;123456789;09-11-2026;;Ongeoorloofd verzuim;4',
    ].join('\n'));

    const uiPort = await freePort();
    let output = '';
    nodeRed = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--port', String(uiPort), '--settings', path.join(userDir, 'settings.js')], {
      cwd: userDir,
      env: { ...process.env, EENPLAN_HUB_URL: hubUrl, EENPLAN_SOURCE_ID: 'obs-de-regenboog', EENPLAN_HUB_PUBLIC_KEY: publicKey, EENPLAN_LAS_EXPORT: exportFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nodeRed.stdout.on('data', (d) => { output += d; });
    nodeRed.stderr.on('data', (d) => { output += d; });
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
    assert.equal(JSON.parse(rows[1].envelope).data.absence_kind, 'ziekte');

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
});

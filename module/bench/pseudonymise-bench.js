#!/usr/bin/env node
// Messages per second through a Node-RED flow (the real runtime, via node-red-node-test-helper):
//   1. eenplan-pseudonymise, keyed      the native addon: 11-proef + HMAC-SHA256 on a precomputed
//                                       key schedule (KeyedPseudonymiser), base32 in C++
//   2. function node with node:crypto   the same step in JavaScript: 11-proef, createHmac per
//                                       message, base32 in JS; checked to give identical values
//   3. eenplan-pseudonymise, polymorphic  ElGamal on P-256 at source, on libuv's thread pool
// Usage: node bench/pseudonymise-bench.js [messages]   (EENPLAN_ADDON names the addon)
'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const os = require('node:os');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const RED = require('node-red');
const vectors = require('../../tests/vectors/identity.json');

const messages = Number(process.argv[2]) || 100000;
const key = vectors.keyed_pseudonym[1];

// The function node's body: what a developer would write with Node's crypto.
const functionBody = `
const crypto = global.get('crypto');
const subject = msg.payload.subject;
const kind = subject.bsn !== undefined ? 'bsn' : 'onderwijsnummer';
const digits = subject[kind];
if (!/^[0-9]{9}$/.test(digits)) return [null, msg];
let sum = 0;
for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
const last = digits.charCodeAt(8) - 48;
const ok = kind === 'bsn' ? (sum - last) % 11 === 0 : (sum + last) % 11 === 5;
if (!ok) return [null, msg];
const mac = crypto.createHmac('sha256', global.get('key'))
  .update('eenplan/v1|' + global.get('domain') + '|' + kind + '|' + digits).digest().subarray(0, 20);
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
let bits = 0, value = 0, out = '';
for (const byte of mac) {
  value = (value << 8) | byte; bits += 8;
  while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
}
if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
msg.payload.subject = { pseudonym: 'kp1:' + global.get('version') + ':' + out };
return [msg, null];`;

// One flow with the three steps side by side, each into a sink that counts.
const steps = ['keyed', 'function', 'polymorphic'];
function flows() {
  const out = [{ id: 'tab', type: 'tab', label: 'bench' },
    { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'bench', publicKey: vectors.polymorphic.public_key, keyedDomain: key.domain, keyedVersion: key.version }];
  for (const step of steps) {
    out.push(step === 'function'
      ? { id: `step-${step}`, type: 'function', z: 'tab', func: functionBody, outputs: 2, wires: [[`sink-${step}`], [`sink-${step}`]] }
      : { id: `step-${step}`, type: 'eenplan-pseudonymise', z: 'tab', hub: 'hub', mode: step, property: 'payload.subject', wires: [[`sink-${step}`], [`sink-${step}`]] });
    out.push({ id: `sink-${step}`, type: 'function', z: 'tab', func: "global.get('sink')(msg); return null;", outputs: 0, wires: [] });
  }
  return out;
}

// A real Node-RED runtime embedded in this process, its user directory holding this package.
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eenplan-bench-'));
fs.mkdirSync(path.join(userDir, 'node_modules', '@eenplan'), { recursive: true });
fs.symlinkSync(path.join(__dirname, '..'), path.join(userDir, 'node_modules', '@eenplan', 'node-red-eenplan'));
fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows()));
fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ hub: { keyedKey: key.key } }));
let sink = () => {};
RED.init(http.createServer(), {
  userDir, flowFile: 'flows.json', credentialSecret: false, httpAdminRoot: false, httpNodeRoot: false,
  logging: { console: { level: 'warn' } },
  functionGlobalContext: { crypto, key: Buffer.from(key.key, 'hex'), domain: key.domain, version: key.version, sink: (msg) => sink(msg) },
});

async function waitForNode(id) {
  for (let i = 0; i < 100; i += 1) {
    const node = RED.nodes.getNode(id);
    if (node) return node;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`node ${id} did not start`);
}

async function run(step, count) {
  const stepNode = await waitForNode(`step-${step}`);
  // Same answer from both keyed paths on the shared vector.
  const firstMsg = await new Promise((resolve) => { sink = resolve; stepNode.receive({ payload: { subject: { [key.kind]: key.digits } } }); });
  if (step !== 'polymorphic') assert.equal(firstMsg.payload.subject.pseudonym, key.pseudonym);

  let seen = 0;
  const finished = new Promise((resolve) => { sink = () => { seen += 1; if (seen === count) resolve(); }; });
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) stepNode.receive({ payload: { subject: { [key.kind]: key.digits } } });
  await finished;
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

(async () => {
  await RED.start();
  console.log(`# ${new Date().toISOString()}  ${os.cpus()[0].model}, ${os.cpus().length} CPUs, Node ${process.version}, ${messages} messages per run`);
  const results = [];
  for (const [label, step, count] of [
    ['eenplan-pseudonymise keyed (native)', 'keyed', messages],
    ['function node, node:crypto HMAC', 'function', messages],
    ['eenplan-pseudonymise polymorphic (native, thread pool)', 'polymorphic', Math.max(1000, Math.floor(messages / 10))],
  ]) {
    await run(step, Math.min(count, 2000));  // warm-up
    const rate = await run(step, count);
    results.push({ label, rate });
    console.log(`${label.padEnd(58)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} msg/s`);
  }
  await RED.stop();
  fs.rmSync(userDir, { recursive: true, force: true });
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });

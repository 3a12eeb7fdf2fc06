#!/usr/bin/env node
// The calls alone, outside Node-RED: what one keyed pseudonym costs natively and with node:crypto,
// to tell the per-call cost apart from the runtime's per-message cost in pseudonymise-bench.js.
'use strict';
const crypto = require('node:crypto');
const native = require('../nodes/lib/native');
const vectors = require('../../tests/vectors/identity.json');

const key = vectors.keyed_pseudonym[1];
const n = Number(process.argv[2]) || 1000000;
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes) {
  let bits = 0, value = 0, out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte; bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
const keyBytes = Buffer.from(key.key, 'hex');
const js = (digits) => 'kp1:' + key.version + ':' + base32(crypto.createHmac('sha256', keyBytes)
  .update('eenplan/v1|' + key.domain + '|' + key.kind + '|' + digits).digest().subarray(0, 20));
const pseudonymiser = new native.KeyedPseudonymiser(key.key, key.version);
const nat = (digits) => pseudonymiser.pseudonym(key.domain, key.kind, digits).pseudonym;
if (js(key.digits) !== key.pseudonym || nat(key.digits) !== key.pseudonym) throw new Error('implementations disagree');

for (const [label, fn] of [['native KeyedPseudonymiser.pseudonym', nat], ['node:crypto createHmac + base32', js]]) {
  for (let i = 0; i < 20000; i += 1) fn(key.digits);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) fn(key.digits);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(40)} ${Math.round(n / seconds).toLocaleString('en-US').padStart(10)} calls/s  ${(seconds / n * 1e6).toFixed(2)} µs/call`);
}

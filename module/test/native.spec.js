// The addon computes what the service computes: the shared identity vectors and the Standard
// Webhooks specification's example, byte for byte.
'use strict';
const assert = require('node:assert/strict');
const native = require('../nodes/lib/native');
// The test-only calls, from their own addon (never packed): see node/test_hooks.cpp.
const hooks = process.env.EENPLAN_TEST_HOOKS ? require(process.env.EENPLAN_TEST_HOOKS) : undefined;
const { vectors, bsns } = require('./support');

describe('native addon [nodered]', () => {
  it('gives the keyed pseudonyms of the shared vectors', () => {
    assert.ok(vectors.keyed_pseudonym.length >= 3);
    for (const v of vectors.keyed_pseudonym) {
      const pseudonymiser = new native.KeyedPseudonymiser(v.key, v.version);
      assert.deepEqual(pseudonymiser.pseudonym(v.domain, v.kind, v.digits), { pseudonym: v.pseudonym });
    }
  });

  it('gives the polymorphic ciphertext of the shared vectors for the same nonce', function () {
    if (!hooks) this.skip();
    const v = vectors.polymorphic;
    assert.equal(hooks.encryptWithNonce(v.public_key, v.kind, v.digits, v.r).ciphertext, v.ciphertext);
  });

  it('offers flows no call with a caller-chosen nonce', () => {
    const encrypter = new native.PolymorphicEncrypter(vectors.polymorphic.public_key);
    assert.equal(encrypter.encryptWithNonce, undefined);
    assert.deepEqual(Object.keys(native).filter((k) => /nonce/i.test(k)), []);
  });

  it('turns a C++ exception of a synchronous call into a JavaScript error, not an abort', function () {
    if (!hooks) this.skip();
    assert.throws(() => hooks.throwNative('boom'), (error) => error instanceof Error && error.message === 'boom');
    // The process is still here and the addon still answers.
    assert.deepEqual(native.checkPersonNumber('bsn', bsns[1]), { valid: true });
  });

  it('randomises every encryption, in a batch off the event loop as well', async () => {
    const encrypter = new native.PolymorphicEncrypter(vectors.polymorphic.public_key);
    const one = encrypter.encrypt('bsn', bsns[0]).ciphertext;
    const [a, b, refused] = await encrypter.encryptBatch([
      { kind: 'bsn', number: bsns[0] }, { kind: 'bsn', number: bsns[0] }, { kind: 'bsn', number: '123456789' }]);
    assert.match(one, /^pp1:[A-Za-z0-9+/]{132}$/);
    assert.match(a.ciphertext, /^pp1:/);
    assert.notEqual(a.ciphertext, b.ciphertext);
    assert.notEqual(a.ciphertext, one);
    assert.equal(refused.problems[0].pointer, '/subject/bsn');
  });

  it('signs and verifies as the Standard Webhooks specification does', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const body = '{"test": 2432232314}';
    const signature = native.sign(secret, id, 1614265330, body);
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const headers = { id, timestamp: '1614265330', signature };
    assert.deepEqual(native.verify([secret], headers, Buffer.from(body), 1614265330), { accepted: true });
    assert.equal(native.verify([secret], headers, body + ' ', 1614265330).accepted, false);
    assert.equal(native.verify([secret], headers, body, 1614265330 + 301).accepted, false);
  });

  it('refuses bad numbers with a reason that does not repeat them', () => {
    const result = native.checkPersonNumber('bsn', '123456789');
    assert.equal(result.problems.length, 1);
    assert.doesNotMatch(JSON.stringify(result), /123456789/);
    assert.deepEqual(native.checkPersonNumber('bsn', bsns[1]), { valid: true });
    assert.throws(() => new native.PolymorphicEncrypter('02abcd'), TypeError);
    assert.throws(() => native.sign('not-a-secret', 'id', 1, 'body'), TypeError);
  });
});

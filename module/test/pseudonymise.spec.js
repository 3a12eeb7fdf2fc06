'use strict';
const assert = require('node:assert/strict');
const { helper, nodes, vectors, bsns, nextMessage } = require('./support');

const hubKey = vectors.keyed_pseudonym[1];

function flow(mode) {
  return [
    { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'school', publicKey: vectors.polymorphic.public_key, keyedDomain: hubKey.domain, keyedVersion: hubKey.version },
    { id: 'p', type: 'eenplan-pseudonymise', hub: 'hub', mode, property: 'payload.subject', wires: [['ok'], ['refused']] },
    { id: 'ok', type: 'helper' },
    { id: 'refused', type: 'helper' },
  ];
}
const credentials = { hub: { keyedKey: hubKey.key } };

describe('eenplan-pseudonymise [nodered]', () => {
  afterEach(() => helper.unload());

  it('encrypts the subject at source so that no number leaves', async () => {
    await helper.load(nodes, flow('polymorphic'), credentials);
    const ok = nextMessage(helper.getNode('ok'));
    helper.getNode('p').receive({ payload: { type: 'absence.reported', subject: { bsn: bsns[0] } } });
    const msg = await ok;
    assert.deepEqual(Object.keys(msg.payload.subject), ['polymorphic']);
    assert.match(msg.payload.subject.polymorphic, /^pp1:/);
    assert.doesNotMatch(JSON.stringify(msg), new RegExp(bsns[0]));
  });

  it('gives the keyed pseudonym of the shared vectors', async () => {
    await helper.load(nodes, flow('keyed'), credentials);
    const ok = nextMessage(helper.getNode('ok'));
    helper.getNode('p').receive({ payload: { subject: { [hubKey.kind]: hubKey.digits } } });
    assert.deepEqual((await ok).payload.subject, { pseudonym: hubKey.pseudonym });
  });

  it('sends an invalid number to the second output with the reason', async () => {
    await helper.load(nodes, flow('polymorphic'), credentials);
    const refused = nextMessage(helper.getNode('refused'));
    helper.getNode('p').receive({ payload: { subject: { bsn: '123456789' } } });
    const msg = await refused;
    assert.equal(msg.eenplan.problems[0].pointer, '/subject/bsn');
    assert.match(msg.eenplan.problems[0].detail, /11-proef/);
  });

  it('splits a batch into pseudonymised and refused entries', async () => {
    const f = flow('polymorphic');
    f[1].property = 'payload';
    await helper.load(nodes, f, credentials);
    const ok = nextMessage(helper.getNode('ok'));
    const refused = nextMessage(helper.getNode('refused'));
    helper.getNode('p').receive({ payload: [{ bsn: bsns[0] }, { bsn: '12' }, { onderwijsnummer: '100000007' }, { bsn: bsns[2] }] });
    const [good, bad] = await Promise.all([ok, refused]);
    assert.equal(good.payload.length, 3);
    good.payload.forEach((subject) => assert.match(subject.polymorphic, /^pp1:/));
    assert.deepEqual(bad.eenplan.problems.map((p) => p.index), [1]);
  });
});

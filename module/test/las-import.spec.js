'use strict';
const assert = require('node:assert/strict');
const { helper, nodes, vectors, bsns, nextMessage } = require('./support');

// As ParnasSys shows it: semicolons, Dutch dates, a registration number per row.
const csv = [
  'Registratienummer;BSN;Onderwijsnummer;Datum van;Datum tot;Soort verzuim;Uren',
  `501;${bsns[0]};;03-11-2026;05-11-2026;Ongeoorloofd verzuim;12`,
  '502;123456789;;04-11-2026;;Ongeoorloofd verzuim;2',
  `503;;100000007;10-11-2026;10-11-2026;Ziek;5,5`,
  `504;${bsns[1]};;morgen;;Ongeoorloofd verzuim;1`,
].join('\r\n');

function flow(withHub) {
  return [
    { id: 'hub', type: 'eenplan-hub', url: 'http://127.0.0.1:9', sourceId: 'school', publicKey: vectors.polymorphic.public_key },
    { id: 'las', type: 'eenplan-las-import', hub: withHub ? 'hub' : '', brin: '12AB', gemeentecode: 'GM0518', delimiter: ';', wires: [['signals'], ['refused']] },
    { id: 'signals', type: 'helper' },
    { id: 'refused', type: 'helper' },
  ];
}

describe('eenplan-las-import [nodered]', () => {
  afterEach(() => helper.unload());

  it('maps each usable row to a signal and refuses the others with row and reason', async () => {
    await helper.load(nodes, flow(false));
    const signals = [];
    helper.getNode('signals').on('input', (msg) => signals.push(msg));
    const refused = nextMessage(helper.getNode('refused'));
    helper.getNode('las').receive({ payload: csv });
    const rejected = await refused;
    assert.equal(signals.length, 2);
    assert.deepEqual(signals[0].payload.data, { absence_kind: 'ongeoorloofd', from: '2026-11-03', to: '2026-11-05', hours: 12 });
    assert.deepEqual(signals[0].payload.school, { brin: '12AB', gemeentecode: 'GM0518' });
    assert.equal(signals[0].eenplan.webhookId, 'las_12AB_501');
    assert.deepEqual(signals[1].payload.subject, { onderwijsnummer: '100000007' });
    assert.deepEqual(signals[1].payload.data, { absence_kind: 'ziekte', from: '2026-11-10', to: '2026-11-10', hours: 5.5 });
    assert.deepEqual(rejected.payload.map((r) => r.row), [3, 5]);
    assert.equal(rejected.payload[0].problems[0].pointer, '/subject/bsn');
    assert.equal(rejected.payload[1].problems[0].pointer, '/data/from');
    assert.doesNotMatch(JSON.stringify(rejected.payload), /123456789/);
  });

  it('encrypts every number in the file when the hub public key is known', async () => {
    await helper.load(nodes, flow(true));
    const signals = [];
    helper.getNode('signals').on('input', (msg) => signals.push(msg));
    const refused = nextMessage(helper.getNode('refused'));
    helper.getNode('las').receive({ payload: Buffer.from(csv) });
    await refused;
    assert.equal(signals.length, 2);
    for (const msg of signals) {
      assert.deepEqual(Object.keys(msg.payload.subject), ['polymorphic']);
      assert.doesNotMatch(JSON.stringify(msg), new RegExp(`${bsns[0]}|100000007`));
    }
  });

  it('maps an export of in- and uitschrijvingen to enrolment signals', async () => {
    const enrolments = [
      'Id;BSN;Datum inschrijving;Onderwijssoort;Datum uitschrijving;Reden uitschrijving',
      `71;${bsns[0]};24-08-2026;Primair onderwijs;;`,
      `72;${bsns[1]};24-08-2025;PO;09-10-2026;Verhuizing`,
      `73;${bsns[1]};ooit;PO;;`,
    ].join('\r\n');
    await helper.load(nodes, flow(false));
    const signals = [];
    helper.getNode('signals').on('input', (msg) => signals.push(msg));
    const refused = nextMessage(helper.getNode('refused'));
    helper.getNode('las').receive({ payload: enrolments });
    const rejected = await refused;
    assert.equal(signals.length, 2);
    assert.equal(signals[0].payload.type, 'enrolment.started');
    assert.deepEqual(signals[0].payload.data, { start_date: '2026-08-24', sector: 'po' });
    assert.equal(signals[0].eenplan.webhookId, 'las_12AB_enrolment_71');
    assert.equal(signals[1].payload.type, 'enrolment.ended');
    assert.deepEqual(signals[1].payload.data, { end_date: '2026-10-09', reason: 'verhuizing' });
    assert.deepEqual(rejected.payload.map((r) => r.row), [4]);
    assert.equal(rejected.payload[0].problems[0].pointer, '/data/start_date');
  });
});

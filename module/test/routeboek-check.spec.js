// The routeboek check: the shipped routeboek read as the hub reads it (yaml-cpp, the schema with
// Ajv, eenplan::readers) and test cases run through the hub's engine in the addon; a changed
// routeboek changes the outcome; a broken routeboek or test case reaches a catch node with the
// JSON pointer of the problem in msg.error.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const native = require('../nodes/lib/native');
const { loadRouteboek, runScenario } = require('../nodes/lib/routeboek');
const { helper, nodes } = require('./support');

const config = path.join(__dirname, '..', '..', 'deploy', 'config');
const routeboekFile = path.join(config, 'routeboek-haaglanden-po.yaml');
const calendarFile = path.join(config, 'schoolvakanties-2026-2028.yaml');
const shipped = fs.readFileSync(routeboekFile, 'utf8');
const calendar = fs.readFileSync(calendarFile, 'utf8');
const weeksPattern = /(consecutive_absence:\n\s+id: consecutive_absence\n\s+weeks:) 4\n/;
const threeWeeks = shipped.replace(weeksPattern, '$1 3\n');
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

const school = { brin: '12AB', gemeentecode: 'GM0518' };
// Unauthorised absence from Monday 2 November 2026 on, still going on.
const absent = (today, kind = 'ongeoorloofd') => ({
  today,
  signals: [{ type: 'absence.reported', occurred_at: '2026-11-02T08:30:00+01:00', school, data: { absence_kind: kind, from: '2026-11-02' } }],
});

describe('routeboek check: the binding [nodered]', () => {
  it('reads YAML with yaml-cpp as the service does: scalars typed, repeated keys and bad syntax refused', () => {
    assert.deepEqual(native.yamlDocument('a: 4\nb: "4"\nc: true\nd: ~\ne: 4.5\nf: [x, "y"]\n').document,
      { a: 4, b: '4', c: true, d: null, e: 4.5, f: ['x', 'y'] });
    assert.deepEqual(native.yamlDocument('a:\n  b: 1\n  b: 2\n').problems,
      [{ pointer: '/a/b', detail: 'repeats a key of the same mapping; YAML keys must be unique' }]);
    assert.match(native.yamlDocument('a: [1, 2\n').problems[0].detail, /^is not valid YAML: .*\(line \d+\)$/);
    assert.throws(() => native.yamlDocument(42), /text must be a string/);
  });

  it('runs the shipped routeboek: four weeks of absence start the escalation with its tasks, who gets them and when they are due', () => {
    const check = loadRouteboek(shipped);
    assert.equal(check.id, 'haaglanden-po');
    assert.equal(check.hasCalendar, false);
    const result = runScenario(check, absent('2026-12-10'));
    assert.equal(result.routeboek, `haaglanden-po ${check.version}`);
    const escalation = result.decisions.find((d) => d.kind === 'escalate');
    assert.ok(escalation, JSON.stringify(result.decisions));
    // 28 calendar days counted from 2 November, the first one included.
    assert.equal(escalation.on, '2026-11-29');
    assert.equal(escalation.rule, 'haaglanden-po/escalation/consecutive_absence');
    assert.match(escalation.reason, /4 weeks/);
    const tasks = result.decisions.filter((d) => d.kind === 'task' && d.on === '2026-11-29').map((d) => d.task);
    assert.deepEqual(tasks.map((t) => [t.type, t.recipient, t.recipientKind, t.due]), [
      ['school.continuity_of_education', 'school:12AB', 'school', '2026-12-04'],
      ['mdo.plan', 'school:12AB', 'school', '2026-12-09'],
      ['leerplicht.zorgwekkend_verzuim', 'gm0518-leerplicht', 'leerplicht', '2026-12-09'],
    ]);
    assert.equal(tasks[2].recipientName, 'Gemeente Den Haag, leerplicht');
    // The daily schedule ran up to today: a reminder before the due date of the continuity task.
    assert.ok(result.decisions.some((d) => d.kind === 'reminder' && d.on === '2026-12-01'), JSON.stringify(result.decisions.map((d) => [d.kind, d.on])));
    assert.equal(result.plan.escalated, true);
    assert.equal(result.plan.escalatedSince, '2026-11-29');
    assert.equal(result.plan.woongemeente, 'GM0518');
    assert.ok(result.plan.timeline.length > 0);
    // Illness does not count.
    const ill = runScenario(check, absent('2026-12-10', 'ziekte'));
    assert.equal(ill.plan.escalated, false);
    assert.ok(!ill.decisions.some((d) => d.kind === 'escalate'));
  });

  it('counts school days with the shipped school calendar, as the hub does with one', () => {
    const check = loadRouteboek(shipped, calendar);
    assert.equal(check.hasCalendar, true);
    const result = runScenario(check, absent('2026-12-10'));
    const escalation = result.decisions.find((d) => d.kind === 'escalate');
    // 20 school days: Monday 2 November to Friday 27 November.
    assert.equal(escalation.on, '2026-11-27');
    assert.match(escalation.reason, /20 school days/);
  });

  it('shows what a changed routeboek changes: three weeks instead of four', () => {
    assert.notEqual(threeWeeks, shipped);
    const scenario = { ...absent('2026-11-25'), expect: { escalated: true, fired: ['consecutive_absence'],
      tasks: [{ type: 'leerplicht.zorgwekkend_verzuim', recipientKind: 'leerplicht' }] } };
    const before = runScenario(loadRouteboek(shipped), scenario);
    const after = runScenario(loadRouteboek(threeWeeks), scenario);
    assert.equal(before.pass, false);
    assert.deepEqual(before.failures.slice(0, 2), ['expected the escalation to have started, it did not',
      'expected rule consecutive_absence to fire, it did not']);
    assert.equal(after.pass, true, after.failures.join('; '));
    assert.equal(after.plan.escalatedSince, '2026-11-22');
  });

  it('refuses a routeboek with the JSON pointer of each problem: YAML, schema, cross-references', () => {
    const problems = (text, cal) => {
      try {
        loadRouteboek(text, cal);
      } catch (error) {
        return error.problems;
      }
      assert.fail('the routeboek was accepted');
    };
    assert.deepEqual(problems(shipped.replace('ladder: [adviestafel, doorbraaktafel]', 'ladder: [adviestafel, nergens]')),
      [{ document: 'routeboek', pointer: '/municipalities/1/ladder/1', detail: 'names table "nergens", which the routeboek does not define' }]);
    const schema = problems(shipped.replace(weeksPattern, '$1 "vier"\n'));
    assert.ok(schema.some((p) => p.document === 'routeboek' && p.pointer === '/triggers/consecutive_absence/weeks'), JSON.stringify(schema));
    assert.deepEqual(problems(shipped.replace('terms:\n', 'terms:\n  reminder_days_before_due: 2\n')),
      [{ document: 'routeboek', pointer: '/terms/reminder_days_before_due', detail: 'repeats a key of the same mapping; YAML keys must be unique' }]);
    assert.equal(problems('')[0].detail, 'is empty');
    const cal = problems(shipped, calendar.replace('from: "2026-10-10"', 'from: "2026-02-30"'));
    assert.equal(cal[0].document, 'calendar');
    assert.match(cal[0].pointer, /^\/regions\/\w+\/0\/from$/);
  });

  it('refuses a test case it cannot run, with pointers into it', () => {
    const check = loadRouteboek(shipped);
    const problems = (scenario) => {
      try {
        runScenario(check, scenario);
      } catch (error) {
        return error.problems;
      }
      assert.fail('the scenario was run');
    };
    const backwards = absent('2026-12-10');
    backwards.signals[0].data.to = '2026-10-01';
    assert.deepEqual(problems(backwards).map((p) => p.pointer), ['/signals/0/data/to']);
    const late = absent('2026-11-01');
    assert.deepEqual(problems(late), [{ document: 'scenario', pointer: '/signals/0/occurred_at', detail: "lies after the scenario's today" }]);
    const named = absent('2026-12-10');
    named.signals[0].subject = { bsn: '111222333' };
    assert.deepEqual(problems(named).map((p) => p.pointer), ['/signals/0/subject']);
    const unknown = absent('2026-12-10');
    unknown.signals[0].data.absence_kind = 'spijbelen';
    assert.ok(problems(unknown).some((p) => p.pointer === '/signals/0/data/absence_kind'));
    assert.deepEqual(problems({ signals: [] }).map((p) => p.pointer), ['/today']);
  });
});

describe('eenplan-routeboek-check [nodered]', () => {
  afterEach(() => helper.unload());

  // Every status the node shows, from the one it shows at deploy on.
  const Node = require(require.resolve('@node-red/runtime/lib/nodes/Node', { paths: [path.dirname(require.resolve('node-red'))] }));
  const nodeStatus = Node.prototype.status;
  let statuses = [];
  before(() => {
    Node.prototype.status = function (s) {
      if (this.id === 'rc1') statuses.push(s);
      return nodeStatus.call(this, s);
    };
  });
  after(() => { Node.prototype.status = nodeStatus; });

  async function load(props) {
    statuses = [];
    await helper.load(nodes, [
      { id: 'f1', type: 'tab' },
      { id: 'rc1', z: 'f1', type: 'eenplan-routeboek-check', routeboekSource: 'text', routeboek: '', calendarSource: 'none', ...props, wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
    ]);
    const result = { out: [], caught: [], statuses };
    helper.getNode('out').on('input', (msg) => result.out.push(msg));
    helper.getNode('caught').on('input', (msg) => result.caught.push(msg));
    return result;
  }

  it('runs a list of test cases with the routeboek from a file and reports pass/fail per case', async () => {
    const result = await load({ routeboekSource: 'file', routeboekFile, calendarSource: 'file', calendarFile });
    helper.getNode('rc1').receive({ payload: [
      { name: 'four school weeks', ...absent('2026-12-01'), expect: { escalatedOn: '2026-11-27', tasks: [{ type: 'mdo.plan', recipient: 'school:12AB' }] } },
      { name: 'ill', ...absent('2026-12-01', 'ziekte'), expect: { escalated: true } },
    ] });
    await settle();
    assert.equal(result.caught.length, 0, JSON.stringify(result.caught.map((m) => m.error)));
    const payload = result.out[0].payload;
    assert.equal(payload.routeboek, 'haaglanden-po 2025-2026');
    assert.equal(payload.passed, 1);
    assert.equal(payload.failed, 1);
    assert.equal(payload.results[0].name, 'four school weeks');
    assert.equal(payload.results[0].pass, true, payload.results[0].failures.join('; '));
    assert.deepEqual(payload.results[1].failures, ['expected the escalation to have started, it did not']);
    assert.equal(result.statuses.at(-1).fill, 'red');
    assert.match(result.statuses.at(-1).text, /^1 of 2 pass/);
  });

  it('uses msg.routeboek over the configured one: the changed routeboek changes the outcome', async () => {
    const result = await load({ routeboek: shipped });
    assert.match(result.statuses.at(-1)?.text || '', /haaglanden-po 2025-2026/);
    const scenario = { ...absent('2026-11-25'), expect: { escalated: true } };
    helper.getNode('rc1').receive({ payload: scenario });
    await settle();
    helper.getNode('rc1').receive({ payload: scenario, routeboek: threeWeeks });
    await settle();
    assert.equal(result.caught.length, 0);
    assert.equal(result.out[0].payload.pass, false);
    assert.equal(result.out[1].payload.pass, true);
    assert.equal(result.out[1].payload.plan.escalatedSince, '2026-11-22');
    assert.equal(result.statuses.at(-1).fill, 'green');
  });

  it('sends a broken routeboek to a catch node with the pointer in msg.error and every problem in msg.problems', async () => {
    const broken = shipped.replace('ladder: [adviestafel, doorbraaktafel]', 'ladder: [adviestafel, nergens]');
    const result = await load({ routeboek: broken });
    assert.equal(result.statuses.at(-1).fill, 'red');
    assert.match(result.statuses.at(-1).text, /\/municipalities\/1\/ladder\/1/);
    helper.getNode('rc1').receive({ payload: absent('2026-12-01') });
    await settle();
    assert.equal(result.out.length, 0);
    assert.equal(result.caught.length, 1);
    assert.match(result.caught[0].error.message,
      /^Error: eenplan-routeboek-check: the routeboek is not usable: \/municipalities\/1\/ladder\/1 names table "nergens"/);
    assert.deepEqual(result.caught[0].problems.map((p) => [p.document, p.pointer]), [['routeboek', '/municipalities/1/ladder/1']]);
  });

  it('sends a test case it cannot run, a missing file and an empty routeboek to a catch node', async () => {
    const result = await load({ routeboek: shipped });
    helper.getNode('rc1').receive({ payload: [absent('2026-12-01'), { today: '2026-12-01', signals: [{ type: 'absence.reported' }] }] });
    await settle();
    assert.match(result.caught[0].error.message, /the scenario cannot be run: \/1\/signals\/0/);
    assert.ok(result.caught[0].problems.every((p) => p.document === 'scenario' && p.pointer.startsWith('/1/signals/0')));
    helper.getNode('rc1').receive({ payload: [] });
    await settle();
    assert.match(result.caught[1].error.message, /a scenario or a list of 1 to 1000 scenarios/);
    await helper.unload();

    const missing = await load({ routeboekSource: 'file', routeboekFile: path.join(os.tmpdir(), 'no-such-routeboek.yaml') });
    assert.equal(missing.statuses.at(-1).fill, 'red');
    helper.getNode('rc1').receive({ payload: absent('2026-12-01') });
    await settle();
    assert.match(missing.caught[0].error.message, /cannot read the routeboek file .*no-such-routeboek\.yaml: ENOENT/);
    await helper.unload();

    const empty = await load({ routeboek: '' });
    assert.equal(empty.statuses.at(-1).fill, 'yellow');
    helper.getNode('rc1').receive({ payload: absent('2026-12-01') });
    await settle();
    assert.match(empty.caught[0].error.message, /the routeboek is not usable: \/ is empty/);
  });

  it('runs the example flow: the current routeboek fails the first test case, the three-week concept passes it', async () => {
    const flow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', 'routeboek-check.json'), 'utf8'));
    const checks = flow.filter((n) => n.type === 'eenplan-routeboek-check');
    const scenarios = JSON.parse(flow.find((n) => n.type === 'inject').payload);
    assert.equal(checks.length, 2);
    const outcomes = [];
    for (const { id, z, wires, ...check } of checks) {
      const result = await load(check);
      helper.getNode('rc1').receive({ payload: scenarios });
      await settle();
      assert.equal(result.caught.length, 0, JSON.stringify(result.caught.map((m) => m.error)));
      outcomes.push(result.out[0].payload.results.map((r) => r.pass));
      await helper.unload();
    }
    assert.deepEqual(outcomes, [[false, true], [true, true]]);
  });
});

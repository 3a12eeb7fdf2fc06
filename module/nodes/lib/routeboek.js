// The routeboek check: a routeboek (and optionally a school calendar) read as the hub reads it,
// and test cases run through the hub's routeboek engine (module/core) in the addon.
//   1. the YAML text parsed by yaml-cpp in the addon (yamlDocument): syntax and repeated keys
//   2. that document checked against the schema with Ajv (schemas/routeboek/routeboek.schema.json,
//      schemas/calendar/school_calendar.schema.json), as the service checks it with valijson
//   3. the typed reading and its cross-reference checks (eenplan::readers in the addon)
// Every problem comes back as {document, pointer, detail}; the pointer is a JSON Pointer into the
// routeboek, the calendar or the scenario. A scenario's signals are checked against the signal
// schema first (nodes/lib/schema.js), without a subject.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const native = require('./native');
const { validateSignal } = require('./schema');

// The package carries copies in schemas/ (scripts/prepack.js at `npm pack`); in the repository
// the originals are read.
function loadSchema(packaged, original) {
  const locations = [
    path.join(__dirname, '..', '..', 'schemas', packaged),
    path.join(__dirname, '..', '..', '..', 'schemas', original),
  ];
  const file = locations.find((candidate) => fs.existsSync(candidate));
  if (!file) throw new Error(`eenplan: ${packaged} not found in ${locations.join(', ')}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validators = {
  routeboek: ajv.compile(loadSchema('routeboek.schema.json', path.join('routeboek', 'routeboek.schema.json'))),
  calendar: ajv.compile(loadSchema('school_calendar.schema.json', path.join('calendar', 'school_calendar.schema.json'))),
};

class RouteboekProblems extends Error {
  constructor(message, problems) {
    super(message);
    this.problems = problems;
  }
}

function describe(problem) {
  return `${problem.pointer || '/'} ${problem.detail}`;
}

function refuse(document, problems) {
  const tagged = problems.map((p) => ({ document, pointer: p.pointer, detail: p.detail }));
  const more = tagged.length > 1 ? ` (and ${tagged.length - 1} more)` : '';
  return new RouteboekProblems(`the ${document} is not usable: ${describe(tagged[0])}${more}`, tagged);
}

// Ajv's messages name the rule, never the value.
function schemaProblems(validate) {
  return validate.errors.map((error) => {
    const params = error.params || {};
    const extra = params.additionalProperty ? ` (${params.additionalProperty})` : '';
    return { pointer: error.instancePath || '/', detail: error.message + extra };
  });
}

function checkedDocument(document, text) {
  if (typeof text !== 'string' || text.trim() === '') throw refuse(document, [{ pointer: '', detail: 'is empty' }]);
  const parsed = native.yamlDocument(text);
  if (parsed.problems) throw refuse(document, parsed.problems);
  const validate = validators[document];
  if (!validate(parsed.document)) throw refuse(document, schemaProblems(validate));
}

// The routeboek and the optional calendar, checked and read; throws RouteboekProblems.
function loadRouteboek(routeboekText, calendarText) {
  checkedDocument('routeboek', routeboekText);
  const withCalendar = typeof calendarText === 'string' && calendarText.trim() !== '';
  if (withCalendar) checkedDocument('calendar', calendarText);
  try {
    return new native.RouteboekCheck(routeboekText, withCalendar ? calendarText : undefined);
  } catch (error) {
    if (Array.isArray(error.problems)) throw new RouteboekProblems(error.message, error.problems);
    throw error;
  }
}

// ---- expectations ----

// A rule named in an expectation matches a decision's rule in full or by its last segments
// ("consecutive_absence", "escalation/consecutive_absence", "haaglanden-po/escalation/...").
function ruleMatches(rule, expected) {
  return rule === expected || rule.endsWith(`/${expected}`);
}

const taskFields = ['type', 'recipient', 'recipientKind', 'due', 'created', 'table', 'pupil'];

// expect: {escalated?, escalatedOn?, fired?: [rule], notFired?: [rule], tasks?: [{type, recipient?,
// recipientKind?, due?, ...}], noTasks?: true}. Each failure is one sentence.
function evaluate(expect, result) {
  const failures = [];
  const { decisions, plan } = result;
  if (expect.escalated !== undefined && Boolean(expect.escalated) !== plan.escalated) {
    failures.push(expect.escalated ? 'expected the escalation to have started, it did not'
      : `expected no escalation, it started on ${plan.escalatedSince}`);
  }
  if (expect.escalatedOn !== undefined && plan.escalatedSince !== expect.escalatedOn) {
    failures.push(`expected the escalation on ${expect.escalatedOn}, ` +
      (plan.escalatedSince ? `it started on ${plan.escalatedSince}` : 'it did not start'));
  }
  for (const rule of expect.fired || []) {
    if (!decisions.some((d) => ruleMatches(d.rule, rule))) failures.push(`expected rule ${rule} to fire, it did not`);
  }
  for (const rule of expect.notFired || []) {
    const fired = decisions.find((d) => ruleMatches(d.rule, rule));
    if (fired) failures.push(`expected rule ${rule} not to fire, it fired on ${fired.on}`);
  }
  const tasks = decisions.filter((d) => d.kind === 'task' && d.task).map((d) => d.task);
  for (const wanted of expect.tasks || []) {
    const keys = taskFields.filter((k) => wanted[k] !== undefined);
    if (!tasks.some((t) => keys.every((k) => t[k] === wanted[k]))) {
      failures.push(`expected a task ${keys.map((k) => `${k}=${wanted[k]}`).join(', ')}; decided: ` +
        (tasks.length ? tasks.map((t) => `${t.type} for ${t.recipient} due ${t.due}`).join('; ') : 'none'));
    }
  }
  if (expect.noTasks && tasks.length > 0) failures.push(`expected no tasks, ${tasks.length} were decided`);
  return failures;
}

// ---- scenarios ----

function scenarioError(problems) {
  return new RouteboekProblems(`the scenario cannot be run: ${describe(problems[0])}` +
    (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''), problems);
}

// Runs one scenario {name?, today, woongemeente?, signals: [signal + pupil?], expect?}; `at` is its
// pointer in the input ("" for a single scenario, "/2" in a list). Throws RouteboekProblems.
function runScenario(check, scenario, at = '') {
  if (!scenario || typeof scenario !== 'object' || Array.isArray(scenario)) {
    throw scenarioError([{ document: 'scenario', pointer: at || '/', detail: 'must be an object with today and signals' }]);
  }
  const problems = [];
  if (!Array.isArray(scenario.signals)) {
    problems.push({ document: 'scenario', pointer: `${at}/signals`, detail: 'must be an array of signals' });
  } else {
    scenario.signals.forEach((signal, i) => {
      if (!signal || typeof signal !== 'object') return;
      // pupil: the test case's label of the child. A test case is about nobody: the schema's
      // subject is refused, and a stand-in that the engine never reads satisfies the schema.
      const { pupil, ...envelope } = signal;
      if (envelope.subject !== undefined) {
        problems.push({ document: 'scenario', pointer: `${at}/signals/${i}/subject`,
          detail: 'must be left out: a test case is about nobody (label children with pupil)' });
        return;
      }
      if (envelope.type !== 'household.composition') envelope.subject = { onderwijsnummer: '000000000' };
      for (const p of validateSignal(envelope)) {
        problems.push({ document: 'scenario', pointer: `${at}/signals/${i}${p.pointer === '/' ? '' : p.pointer}`, detail: p.detail });
      }
    });
  }
  if (scenario.expect !== undefined && (typeof scenario.expect !== 'object' || scenario.expect === null)) {
    problems.push({ document: 'scenario', pointer: `${at}/expect`, detail: 'must be an object' });
  }
  if (problems.length) throw scenarioError(problems);
  let result;
  try {
    result = check.run({ today: scenario.today, woongemeente: scenario.woongemeente, signals: scenario.signals });
  } catch (error) {
    if (Array.isArray(error.problems)) {
      throw scenarioError(error.problems.map((p) => ({ ...p, pointer: at + p.pointer })));
    }
    throw error;
  }
  if (scenario.name !== undefined) result.name = String(scenario.name);
  if (scenario.expect) {
    result.failures = evaluate(scenario.expect, result);
    result.pass = result.failures.length === 0;
  }
  return result;
}

module.exports = { loadRouteboek, runScenario, evaluate, RouteboekProblems };

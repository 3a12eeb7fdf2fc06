#!/usr/bin/env node
// Writes examples/routeboek-check.json, the Import → Examples flow of the routeboek check node,
// from the shipped routeboek deploy/config/routeboek-haaglanden-po.yaml (its comment lines left
// out): one check node with the routeboek as it is (four weeks of consecutive absence before the
// escalation starts) and one with the same routeboek changed to three weeks, both fed the same
// test cases. Run it again when the shipped routeboek changes: node scripts/example-routeboek-check.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const moduleDir = path.resolve(__dirname, '..');
const shipped = fs.readFileSync(path.join(moduleDir, '..', 'deploy', 'config', 'routeboek-haaglanden-po.yaml'), 'utf8');
const current = shipped.split('\n').filter((line) => !/^\s*#/.test(line) && line.trim() !== '').join('\n') + '\n';
const weeks = /(consecutive_absence:\n\s+id: consecutive_absence\n\s+weeks:) 4\n/;
if (!weeks.test(current)) throw new Error('the shipped routeboek no longer has consecutive_absence weeks: 4');
const changed = current.replace(weeks, '$1 3\n').replace(/(\n\s+version:) "([^"]+)"/, '$1 "$2-concept-3-weken"');

const school = { brin: '12AB', gemeentecode: 'GM0518' };
const scenarios = [
  {
    name: 'three and a half weeks of unauthorised absence: the region wants the escalation to start',
    today: '2026-11-25',
    signals: [{ type: 'absence.reported', occurred_at: '2026-11-02T08:30:00+01:00', school,
      data: { absence_kind: 'ongeoorloofd', from: '2026-11-02' } }],
    expect: { escalated: true, fired: ['escalation/consecutive_absence'],
      tasks: [{ type: 'leerplicht.zorgwekkend_verzuim', recipientKind: 'leerplicht' },
        { type: 'school.continuity_of_education', recipient: 'school:12AB' }] },
  },
  {
    name: 'the same weeks, explained by illness: no escalation',
    today: '2026-11-25',
    signals: [{ type: 'absence.reported', occurred_at: '2026-11-02T08:30:00+01:00', school,
      data: { absence_kind: 'ziekte', from: '2026-11-02' } }],
    expect: { escalated: false, notFired: ['escalation/consecutive_absence'] },
  },
];

const id = (n) => `e3c4b0de000000${String(n).padStart(2, '0')}`;
const flow = [
  { id: id(1), type: 'tab', label: 'Routeboek: try a change on test cases',
    info: 'Tries a change to the routeboek before the hub loads it: the same test cases run through the hub\'s own ' +
      'routeboek engine with the Haaglanden PO routeboek as it is (4 weeks of consecutive absence before the ' +
      'escalation starts) and with a concept that makes it 3 weeks.\n\nPress the inject button and compare the two ' +
      'debug messages: the first test case fails on the current routeboek and passes on the concept; the second ' +
      'passes on both. The node status shows how many test cases pass. A routeboek that cannot be used (a ladder ' +
      'step naming a table that does not exist, a value the schema refuses) reaches the catch node with the JSON ' +
      'pointer in msg.error.\n\nPaste your own routeboek into a check node, or point it at the file your hub ' +
      'loads, and add your region\'s test cases to the inject node.' },
  { id: id(2), type: 'comment', z: id(1), name: 'The same test cases, the routeboek as it is and a concept',
    info: '', x: 230, y: 40, wires: [] },
  { id: id(3), type: 'inject', z: id(1), name: 'test cases', props: [{ p: 'payload' }], repeat: '', crontab: '',
    once: false, onceDelay: 0.1, topic: '', payload: JSON.stringify(scenarios, null, 2), payloadType: 'json',
    x: 130, y: 120, wires: [[id(4), id(5)]] },
  { id: id(4), type: 'eenplan-routeboek-check', z: id(1), name: 'as it is: 4 weeks', routeboekSource: 'text',
    routeboek: current, routeboekFile: '', calendarSource: 'none', calendar: '', calendarFile: '',
    x: 360, y: 100, wires: [[id(6)]] },
  { id: id(5), type: 'eenplan-routeboek-check', z: id(1), name: 'concept: 3 weeks', routeboekSource: 'text',
    routeboek: changed, routeboekFile: '', calendarSource: 'none', calendar: '', calendarFile: '',
    x: 360, y: 160, wires: [[id(7)]] },
  { id: id(6), type: 'debug', z: id(1), name: 'as it is', active: true, tosidebar: true, console: false,
    tostatus: false, complete: 'payload', targetType: 'msg', x: 580, y: 100, wires: [] },
  { id: id(7), type: 'debug', z: id(1), name: 'concept', active: true, tosidebar: true, console: false,
    tostatus: false, complete: 'payload', targetType: 'msg', x: 580, y: 160, wires: [] },
  { id: id(8), type: 'catch', z: id(1), name: 'routeboek or test case unusable', scope: [id(4), id(5)],
    uncaught: false, x: 170, y: 240, wires: [[id(9)]] },
  { id: id(9), type: 'debug', z: id(1), name: 'problems', active: true, tosidebar: true, console: false,
    tostatus: false, complete: 'true', targetType: 'full', x: 580, y: 240, wires: [] },
];
const target = path.join(moduleDir, 'examples', 'routeboek-check.json');
fs.writeFileSync(target, JSON.stringify(flow, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), target)}`);

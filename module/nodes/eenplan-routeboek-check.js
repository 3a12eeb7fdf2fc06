// eenplan-routeboek-check: runs test cases through the hub's own routeboek engine (module/core, in
// the addon) with a routeboek given here, so a region can try a changed routeboek before the hub
// loads it. The routeboek (and optionally a school calendar) is read exactly as the hub reads it:
// YAML by yaml-cpp, the schema, then the typed reading with its cross-reference checks.
//   msg.payload   a scenario {name?, today, woongemeente?, signals: [...], expect?} or a list of them
//   msg.routeboek optional: a routeboek's YAML text, used instead of the configured one
// Out: msg.payload = the decisions and the plan per scenario, and pass/fail where expectations are
// given. A routeboek or scenario that cannot be used goes to catch nodes: msg.error names the
// first problem with its JSON pointer, msg.problems lists them all.
'use strict';
const fs = require('node:fs');
const crypto = require('node:crypto');
const { loadRouteboek, runScenario } = require('./lib/routeboek');

const sources = new Set(['text', 'file']);
const calendarSources = new Set(['none', 'text', 'file']);
const maxScenarios = 1000;

module.exports = function (RED) {
  function EenplanRouteboekCheckNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const source = sources.has(config.routeboekSource) ? config.routeboekSource : 'text';
    const calendarSource = calendarSources.has(config.calendarSource) ? config.calendarSource : 'none';
    let cached = { key: undefined, check: undefined };

    function read(kind, mode, text, file) {
      if (mode === 'none') return undefined;
      if (mode === 'text') return text || '';
      if (!file) throw new Error(`no ${kind} file configured`);
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read the ${kind} file ${file}: ${error.code || error.message}`);
      }
    }

    // The routeboek and calendar texts of this message; read again for every message from a file,
    // so an edited file is tried without a redeploy; compiled once per distinct text.
    function routeboekFor(msg) {
      const routeboekText = typeof msg.routeboek === 'string'
        ? msg.routeboek : read('routeboek', source, config.routeboek, config.routeboekFile);
      const calendarText = read('calendar', calendarSource, config.calendar, config.calendarFile);
      const key = crypto.createHash('sha256').update(routeboekText).update('\0').update(calendarText || '').digest('hex');
      if (cached.key !== key) cached = { key, check: loadRouteboek(routeboekText, calendarText) };
      return cached.check;
    }

    function fail(msg, done, error) {
      if (Array.isArray(error.problems)) msg.problems = error.problems;
      const message = `eenplan-routeboek-check: ${error.message}`;
      node.status({ fill: 'red', shape: 'ring', text: error.message.slice(0, 60) });
      done(new Error(message));
    }

    // At deploy: the configured routeboek is checked at once, so a broken one shows on the node.
    if (source === 'text' && !config.routeboek) {
      node.status({ fill: 'yellow', shape: 'ring', text: 'no routeboek: msg.routeboek' });
    } else {
      try {
        const check = routeboekFor({});
        node.status({ fill: 'grey', shape: 'dot', text: `${check.id} ${check.version}${check.hasCalendar ? ' + calendar' : ''}` });
      } catch (error) {
        node.status({ fill: 'red', shape: 'ring', text: error.message.slice(0, 60) });
        node.warn(`eenplan-routeboek-check: ${error.message}`);
      }
    }

    node.on('input', (msg, send, done) => {
      let check;
      try {
        check = routeboekFor(msg);
      } catch (error) {
        fail(msg, done, error);
        return;
      }
      const list = Array.isArray(msg.payload);
      const scenarios = list ? msg.payload : [msg.payload];
      if (scenarios.length === 0 || scenarios.length > maxScenarios) {
        fail(msg, done, new Error(`msg.payload must be a scenario or a list of 1 to ${maxScenarios} scenarios`));
        return;
      }
      let results;
      try {
        results = scenarios.map((scenario, i) => runScenario(check, scenario, list ? `/${i}` : ''));
      } catch (error) {
        fail(msg, done, error);
        return;
      }
      const checked = results.filter((r) => r.pass !== undefined);
      const passed = checked.filter((r) => r.pass).length;
      if (list) {
        msg.payload = { routeboek: `${check.id} ${check.version}`, passed, failed: checked.length - passed, results };
      } else {
        msg.payload = results[0];
      }
      const time = new Date().toISOString().slice(11, 19);
      if (checked.length === 0) {
        const decided = results.reduce((n, r) => n + r.decisions.length, 0);
        node.status({ fill: 'green', shape: 'dot', text: `${check.id}: ${decided} decisions (${time} UTC)` });
      } else {
        node.status({ fill: passed === checked.length ? 'green' : 'red', shape: 'dot',
          text: `${passed} of ${checked.length} pass (${check.id} ${check.version}, ${time} UTC)` });
      }
      send(msg);
      done();
    });
  }

  RED.nodes.registerType('eenplan-routeboek-check', EenplanRouteboekCheckNode);
};

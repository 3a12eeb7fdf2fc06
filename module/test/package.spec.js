// What a flow author sees of every node: help text in the editor's sidebar for its properties and
// outputs, a status, and credentials kept out of the exported flow; examples that load.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const pkg = require('../package.json');

const moduleDir = path.join(__dirname, '..');
const types = Object.keys(pkg['node-red'].nodes);

describe('the package as the editor shows it [nodered]', () => {
  it('documents and shows a status for every node', () => {
    for (const type of types) {
      const js = fs.readFileSync(path.join(moduleDir, pkg['node-red'].nodes[type]), 'utf8');
      const html = fs.readFileSync(path.join(moduleDir, pkg['node-red'].nodes[type].replace(/\.js$/, '.html')), 'utf8');
      const help = html.split(`data-help-name="${type}"`)[1];
      assert.ok(help, `${type} has no help text`);
      assert.match(help, /<h3>Properties<\/h3>/, `${type}: no help for its properties`);
      if (type === 'eenplan-hub') continue;  // a config node: no status, no outputs
      assert.match(help, /<h3>Outputs<\/h3>/, `${type}: no help for its outputs`);
      assert.match(js, /\.status\(|status\('/, `${type} shows no status`);
      // Every editable property of the dialog is validated or constrained.
      const defaults = html.split('defaults: {')[1].split('\n    },')[0];
      for (const line of defaults.split('\n').filter((l) => /^\s+\w+: \{/.test(l))) {
        if (/^\s+name:/.test(line) || /type: 'eenplan-hub'/.test(line)) continue;
        assert.match(line, /validate|value: (true|false|'')\s*\}/, `${type}: ${line.trim()} is not validated`);
      }
    }
  });

  it('keeps secrets in credentials, never in the flow', () => {
    for (const type of ['eenplan-hub', 'eenplan-hub-state']) {
      const js = fs.readFileSync(path.join(moduleDir, pkg['node-red'].nodes[type]), 'utf8');
      assert.match(js, /credentials: \{/, `${type} registers no credentials`);
      assert.doesNotMatch(js, /config\.(secret|token|taskSecret|keyedKey)\b/, `${type} reads a secret from the flow`);
    }
  });

  it('ships example flows that use only nodes that exist', () => {
    const examples = fs.readdirSync(path.join(moduleDir, 'examples')).filter((f) => f.endsWith('.json'));
    assert.ok(examples.length >= 2);
    for (const file of examples) {
      const flow = JSON.parse(fs.readFileSync(path.join(moduleDir, 'examples', file), 'utf8'));
      for (const node of flow.filter((n) => n.type.startsWith('eenplan-'))) {
        assert.ok(types.includes(node.type), `${file}: unknown node type ${node.type}`);
        assert.equal(node.credentials, undefined, `${file}: credentials in an example`);
      }
    }
    assert.match(fs.readFileSync(path.join(moduleDir, 'README.md'), 'utf8'), /municipality-tasks\.json[\s\S]*school-nightly-absences\.json|school-nightly-absences\.json[\s\S]*municipality-tasks\.json/);
  });

  it('has one version, named in the changelog', () => {
    assert.match(fs.readFileSync(path.join(moduleDir, 'CHANGELOG.md'), 'utf8'), new RegExp(`## ${pkg.version.replace(/\./g, '\\.')} `));
    assert.equal(require('../package-lock.json').version, pkg.version);
  });
});

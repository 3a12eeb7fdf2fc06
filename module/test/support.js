// Shared by the specs: the Node-RED test helper on the real runtime, the nodes under test, and
// the addon they load (EENPLAN_ADDON, set by ctest to the build's eenplan.node).
'use strict';
const path = require('node:path');
const helper = require('node-red-node-test-helper');

helper.init(require.resolve('node-red'));

// The runtime's RED as the nodes see it: the test helper does not serve RED.httpNode (where
// task-in registers its endpoint), so the specs reach that express app through this.
const runtime = {};
const captureRuntime = (RED) => { runtime.RED = RED; };

const nodes = [
  captureRuntime,
  require('../nodes/eenplan-hub'),
  require('../nodes/eenplan-pseudonymise'),
  require('../nodes/eenplan-signal-out'),
  require('../nodes/eenplan-task-in'),
  require('../nodes/eenplan-las-import'),
  require('../nodes/eenplan-task-done'),
  require('../nodes/eenplan-hub-state'),
  require('../nodes/eenplan-routeboek-check'),
];

const vectors = require(path.join(__dirname, '..', '..', 'tests', 'vectors', 'identity.json'));

// Valid by the 11-proef, made up for tests: not real people.
const bsns = ['111222333', '123456782', '999990019'];

// The next message a node sends on one of its outputs, or a rejection after `ms`.
function nextMessage(node, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message from ${node.id} within ${ms} ms`)), ms);
    node.once('input', (msg) => { clearTimeout(timer); resolve(msg); });
  });
}

module.exports = { helper, nodes, runtime, vectors, bsns, nextMessage };

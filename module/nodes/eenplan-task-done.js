// eenplan-task-done: tells eenplan-task-in what became of a delivered task, so that the hub's
// delivery is acknowledged only once the flow has taken it. Wire it after the step that creates
// the item in the organisation's own system (outcome "taken": the hub gets 202 and never sends
// it again) and, from a catch node, on the path where that step failed (outcome "retry": the hub
// gets 503 and retries later under the same webhook-id). The delivery is found by
// msg.eenplan.webhookId, which task-in sets; msg.eenplan.outcome ("taken" or "retry") overrides
// the configured outcome. The msg passes on with msg.eenplan.acknowledged set.
'use strict';
const acks = require('./lib/acks');

module.exports = function (RED) {
  function EenplanTaskDoneNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const configured = config.outcome === 'retry' ? 'retry' : 'taken';
    let taken = 0;
    let retried = 0;
    node.status({ fill: 'grey', shape: 'ring', text: configured === 'taken' ? 'marks tasks taken' : 'sends tasks back for a retry' });

    node.on('input', (msg, send, done) => {
      const id = msg.eenplan && msg.eenplan.webhookId;
      if (typeof id !== 'string' || id === '') {
        node.status({ fill: 'red', shape: 'ring', text: 'no msg.eenplan.webhookId' });
        done(new Error('eenplan-task-done: msg.eenplan.webhookId is missing; keep msg.eenplan from eenplan-task-in on its way here'));
        return;
      }
      const requested = msg.eenplan.outcome === 'retry' || msg.eenplan.outcome === 'taken' ? msg.eenplan.outcome : configured;
      const detail = msg.error && msg.error.message ? String(msg.error.message).slice(0, 200) : undefined;
      if (!acks.answer(id, requested, detail)) {
        node.status({ fill: 'red', shape: 'ring', text: `too late for ${id}` });
        done(new Error(`eenplan-task-done: delivery ${id} was answered already (the ack timeout of eenplan-task-in passed, ` +
          'so the hub will send it again)'));
        return;
      }
      if (requested === 'taken') taken += 1; else retried += 1;
      node.status({ fill: requested === 'taken' ? 'green' : 'yellow', shape: 'dot', text: `${taken} taken, ${retried} to retry` });
      msg.eenplan = { ...msg.eenplan, acknowledged: requested };
      send(msg);
      done();
    });
  }

  RED.nodes.registerType('eenplan-task-done', EenplanTaskDoneNode);
};

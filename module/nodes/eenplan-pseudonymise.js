// eenplan-pseudonymise: replaces a BSN or onderwijsnummer in msg by its pseudonymised form before
// anything leaves the organisation.
//   polymorphic  {bsn} → {polymorphic: "pp1:..."} encrypted under the hub's public key; the hub
//                turns it into its own pseudonym and each recipient into theirs (docs/privacy.md).
//                Runs on libuv's thread pool (two P-256 multiplications per number), so a batch of
//                thousands does not stall the editor or other flows.
//   keyed        {bsn} → {pseudonym: "kp1:..."} under a local key and domain, for the
//                organisation's own systems; synchronous (well under a microsecond).
// The property may hold one subject, a signal with a subject, or an array of either. Numbers that
// fail the 11-proef go to the second output with msg.eenplan.problems (pointer and reason, never
// the number).
'use strict';
const native = require('./lib/native');
const { numberOf, replaceNumber } = require('./lib/subjects');

module.exports = function (RED) {
  function EenplanPseudonymiseNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const hub = RED.nodes.getNode(config.hub);
    const mode = config.mode === 'keyed' ? 'keyed' : 'polymorphic';
    const property = config.property || 'payload.subject';
    let done = 0;
    let failed = 0;

    let encrypter;
    let keyed;
    try {
      if (!hub) throw new Error('no eenplan-hub configured');
      if (mode === 'polymorphic') {
        if (!hub.publicKey) throw new Error('the eenplan-hub has no hub public key');
        encrypter = new native.PolymorphicEncrypter(hub.publicKey);
      } else {
        if (!hub.keyedDomain) throw new Error('the eenplan-hub has no local domain for keyed pseudonyms');
        keyed = new native.KeyedPseudonymiser(hub.keyedKey(), hub.keyedVersion);
      }
      node.status({ fill: 'grey', shape: 'ring', text: mode });
    } catch (error) {
      node.status({ fill: 'red', shape: 'ring', text: error.message });
      node.error(`eenplan-pseudonymise: ${error.message}`);
    }

    const showStatus = () => node.status({
      fill: failed ? 'yellow' : 'green', shape: 'dot', text: `${done} pseudonymised, ${failed} refused`,
    });

    // Pseudonymises [{kind, number, subject}] in place; returns the problems per item (or null).
    async function pseudonymise(items) {
      if (mode === 'keyed') {
        return items.map(({ kind, number, subject }) => {
          const result = keyed.pseudonym(hub.keyedDomain, kind, number);
          if (result.problems) return result.problems;
          replaceNumber(subject, kind, 'pseudonym', result.pseudonym);
          return null;
        });
      }
      const results = await encrypter.encryptBatch(items.map(({ kind, number }) => ({ kind, number })));
      return results.map((result, i) => {
        if (result.problems) return result.problems;
        replaceNumber(items[i].subject, items[i].kind, 'polymorphic', result.ciphertext);
        return null;
      });
    }

    node.on('input', async (msg, send, finish) => {
      if (!encrypter && !keyed) {
        finish(new Error('eenplan-pseudonymise is not configured'));
        return;
      }
      try {
        const value = RED.util.getMessageProperty(msg, property);
        const list = Array.isArray(value) ? value : [value];
        const items = [];
        const positions = [];
        list.forEach((entry, index) => {
          const found = numberOf(entry);
          if (found) { items.push(found); positions.push(index); }
        });
        const problems = await pseudonymise(items);

        const refused = [];
        problems.forEach((itemProblems, i) => {
          if (itemProblems) refused.push({ index: positions[i], problems: itemProblems });
        });
        done += items.length - refused.length;
        failed += refused.length;
        showStatus();

        if (!Array.isArray(value)) {
          if (refused.length) {
            msg.eenplan = { ...(msg.eenplan || {}), problems: refused[0].problems };
            send([null, msg]);
          } else {
            send([msg, null]);
          }
        } else if (refused.length) {
          // The accepted entries go on; the refused ones leave on the second output, with reasons.
          const refusedIndexes = new Set(refused.map((r) => r.index));
          const rejectedMsg = RED.util.cloneMessage(msg);
          RED.util.setMessageProperty(rejectedMsg, property, value.filter((_, i) => refusedIndexes.has(i)));
          rejectedMsg.eenplan = { ...(msg.eenplan || {}), problems: refused };
          RED.util.setMessageProperty(msg, property, value.filter((_, i) => !refusedIndexes.has(i)));
          send([msg, rejectedMsg]);
        } else {
          send([msg, null]);
        }
        finish();
      } catch (error) {
        node.status({ fill: 'red', shape: 'ring', text: error.message });
        finish(error);
      }
    });
  }

  RED.nodes.registerType('eenplan-pseudonymise', EenplanPseudonymiseNode);
};

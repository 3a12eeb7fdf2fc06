// eenplan-las-import: turns a LAS absence export (CSV, lib/las-export.js says which columns) into
// one canonical absence.reported signal per row, and an export of in- and uitschrijvingen into
// enrolment.started / enrolment.ended signals. Parsing yields to the event loop between chunks
// and, with a hub whose public key is known, all numbers of the file are encrypted in one batch on
// the thread pool, so a file of thousands of rows neither stalls Node-RED nor lets a readable BSN
// leave this node. Rows that cannot be used leave on the second output with the row number and
// the reason, never the number.
'use strict';
const fs = require('node:fs/promises');
const { parse } = require('csv-parse');
const native = require('./lib/native');
const { mapHeader, rowToSignal, isEnrolmentExport } = require('./lib/las-export');

const yieldEvery = 500;

module.exports = function (RED) {
  function EenplanLasImportNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const hub = config.hub ? RED.nodes.getNode(config.hub) : null;
    const school = { brin: config.brin, gemeentecode: config.gemeentecode };
    const delimiter = config.delimiter || ';';
    let encrypter = null;
    if (hub && hub.publicKey) {
      try {
        encrypter = new native.PolymorphicEncrypter(hub.publicKey);
      } catch (error) {
        node.status({ fill: 'red', shape: 'ring', text: error.message });
      }
    }

    async function readRows(input) {
      const rows = [];
      const parser = parse({ delimiter, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
      const collect = (async () => {
        for await (const record of parser) {
          rows.push(record);
          if (rows.length % yieldEvery === 0) {
            node.status({ fill: 'blue', shape: 'dot', text: `reading: ${rows.length} rows` });
            await new Promise(setImmediate);
          }
        }
      })();
      parser.end(input);
      await collect;
      return rows;
    }

    node.on('input', async (msg, send, done) => {
      try {
        const input = msg.payload !== undefined && msg.payload !== null && msg.payload !== ''
          ? msg.payload : await fs.readFile(msg.filename);
        const [header, ...rows] = await readRows(input);
        if (!header) throw new Error('the export is empty');
        const mapping = mapHeader(header);
        // An absence export, or an export of in- and uitschrijvingen (enrolment signals).
        if (!isEnrolmentExport(mapping) && (mapping.from === undefined || mapping.kind === undefined)) {
          throw new Error('the export has no start date or kind-of-absence column, nor in/uitschrijving dates');
        }
        const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const accepted = [];
        const refused = [];
        rows.forEach((row, index) => {
          const result = rowToSignal(row, mapping, school, now);
          const rowNumber = index + 2;  // as a spreadsheet numbers it, header = 1
          if (result.problems) { refused.push({ row: rowNumber, problems: result.problems }); return; }
          const { signal } = result;
          const [kind] = Object.keys(signal.subject);
          const check = native.checkPersonNumber(kind, signal.subject[kind]);
          if (check.problems) { refused.push({ row: rowNumber, problems: check.problems }); return; }
          accepted.push({ row: rowNumber, signal, id: result.id });
        });

        if (encrypter) {
          node.status({ fill: 'blue', shape: 'dot', text: `pseudonymising ${accepted.length} rows` });
          const items = accepted.map(({ signal }) => {
            const [kind] = Object.keys(signal.subject);
            return { kind, number: signal.subject[kind] };
          });
          const results = await encrypter.encryptBatch(items);
          results.forEach((result, i) => { accepted[i].signal.subject = { polymorphic: result.ciphertext }; });
        }

        for (let i = 0; i < accepted.length; i += 1) {
          const { row, signal, id } = accepted[i];
          const out = RED.util.cloneMessage(msg);
          delete out.filename;
          out.payload = signal;
          out.eenplan = { row, ...(id ? { webhookId: `las_${school.brin}_${id}` } : {}) };
          send([out, null]);
          if ((i + 1) % yieldEvery === 0) {
            node.status({ fill: 'blue', shape: 'dot', text: `${i + 1}/${accepted.length} signals` });
            await new Promise(setImmediate);
          }
        }
        if (refused.length) {
          const out = RED.util.cloneMessage(msg);
          out.payload = refused;
          send([null, out]);
        }
        node.status({ fill: refused.length ? 'yellow' : 'green', shape: 'dot', text: `${accepted.length} signals, ${refused.length} rows refused` });
        done();
      } catch (error) {
        node.status({ fill: 'red', shape: 'ring', text: error.message });
        done(error);
      }
    });
  }

  RED.nodes.registerType('eenplan-las-import', EenplanLasImportNode);
};

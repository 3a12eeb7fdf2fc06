// The canonical signal schema (schemas/signals/signal.schema.json), compiled once with Ajv, so
// that a flow learns what is wrong before anything leaves the organisation. The packaged module
// carries a copy in schemas/ (scripts/prepack.js at `npm pack`); in the repository it reads
// the original.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const locations = [
  path.join(__dirname, '..', '..', 'schemas', 'signal.schema.json'),
  path.join(__dirname, '..', '..', '..', 'schemas', 'signals', 'signal.schema.json'),
];

function loadSchema() {
  const file = locations.find((candidate) => fs.existsSync(candidate));
  if (!file) throw new Error('eenplan: signal.schema.json not found in ' + locations.join(', '));
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(loadSchema());

// [] when valid; otherwise [{pointer, detail}] as the hub's problem+json lists them. Ajv's
// messages name the rule ("must match pattern ..."), never the value, so they are safe to log.
function validateSignal(signal) {
  if (validate(signal)) return [];
  return validate.errors.map((error) => ({
    pointer: error.instancePath || '/',
    detail: error.message + (error.params && error.params.additionalProperty
      ? ` (${error.params.additionalProperty})` : ''),
  }));
}

module.exports = { validateSignal };

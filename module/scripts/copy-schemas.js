#!/usr/bin/env node
// `npm pack`: puts the signal schema into the package (schemas/), where nodes/lib/schema.js looks
// first; in the repository the nodes read it from ../schemas/signals/ directly.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', '..', 'schemas', 'signals', 'signal.schema.json');
const to = path.join(__dirname, '..', 'schemas', 'signal.schema.json');
fs.mkdirSync(path.dirname(to), { recursive: true });
fs.copyFileSync(from, to);

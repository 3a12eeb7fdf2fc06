#!/usr/bin/env node
// `npm install` of this package: nothing to do when a prebuilt addon fits this machine (the
// package carries prebuilds/linux-x64/), so no compiler is needed. Only where none fits is the
// addon built from source (scripts/build-addon.js: cmake, a C++20 compiler, OpenSSL 3 headers).
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..');
if (process.env.EENPLAN_ADDON) {
  console.log(`eenplan: using the addon at ${process.env.EENPLAN_ADDON}`);
  process.exit(0);
}
let found;
try {
  found = require('node-gyp-build').path(root);
} catch {
  found = undefined;
}
if (found) {
  console.log(`eenplan: using ${path.relative(root, found)}`);
  process.exit(0);
}
console.log(`eenplan: no prebuilt addon for ${process.platform}-${process.arch}; building it from source`);
require('./build-addon');

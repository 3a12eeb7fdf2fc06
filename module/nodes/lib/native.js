// Loads the native addon (eenplan.node) once. EENPLAN_ADDON names a build of it explicitly (the
// repository's CMake build does so in its tests); otherwise the one `npm install` built here.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const candidates = [
  process.env.EENPLAN_ADDON,
  path.join(__dirname, '..', '..', 'build', 'Release', 'eenplan.node'),
].filter(Boolean);

function load() {
  for (const file of candidates) {
    if (fs.existsSync(file)) return require(file);
  }
  throw new Error(
    'eenplan: the native addon eenplan.node was not found (looked in ' + candidates.join(', ') + '). ' +
      'Run `npm install` in the package folder (it needs cmake, g++ and libssl-dev), ' +
      'or set EENPLAN_ADDON to a built eenplan.node.');
}

module.exports = load();

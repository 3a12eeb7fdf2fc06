// Loads the native addon (eenplan.node) once, by the node-gyp-build convention that native npm
// packages share: a source build in build/Release/ if one was made, else the prebuilt binary in
// prebuilds/<platform>-<arch>/ whose tags (napi, glibc/musl, armv7) fit this machine, e.g.
//   prebuilds/linux-x64/node.napi.glibc.node      (in the package; built by the repository's CMake)
//   prebuilds/linux-arm64/node.napi.glibc.node    (release build, Raspberry Pi OS 64-bit)
//   prebuilds/win32-x64/node.napi.node            (release build, Windows)
// Node-API's stable ABI makes one binary per platform serve every supported Node version.
// EENPLAN_ADDON names a build explicitly (the repository's ctest sets it).
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

function load() {
  if (process.env.EENPLAN_ADDON) return require(process.env.EENPLAN_ADDON);
  try {
    return require('node-gyp-build')(root);
  } catch (error) {
    throw new Error(
      `eenplan: no native addon for ${process.platform}-${process.arch} (${error.message}). ` +
        'The package ships prebuilt binaries for linux-x64 (glibc); elsewhere `npm install` builds one ' +
        'from source, which needs cmake, a C++20 compiler and the OpenSSL 3 and yaml-cpp headers (Debian: cmake g++ libssl-dev libyaml-cpp-dev).');
  }
}

module.exports = load();

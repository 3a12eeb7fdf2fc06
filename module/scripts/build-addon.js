#!/usr/bin/env node
// The source build of the native addon (build/Release/eenplan.node, where the loader looks
// first) from core/, readers/ and node/ with CMake, against the Node.js headers installed with Node (no
// download). scripts/install.js runs it only when no prebuilt binary fits this machine.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

if (process.env.EENPLAN_ADDON) {
  console.log(`eenplan: using the addon at ${process.env.EENPLAN_ADDON}`);
  process.exit(0);
}
const root = path.resolve(__dirname, '..');
const build = path.join(root, 'build');
const run = (args) => {
  const result = spawnSync('cmake', args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`eenplan: cannot run cmake (${result.error.message}); install cmake, g++, libssl-dev and libyaml-cpp-dev (no prebuilt addon fits ${process.platform}-${process.arch})`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status);
};
run(['-S', root, '-B', build, '-DCMAKE_BUILD_TYPE=Release', '-DEENPLAN_NODE_STATIC=OFF']);
run(['--build', build, '--parallel', '--target', 'eenplan_node']);

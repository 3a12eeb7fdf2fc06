#!/usr/bin/env node
// `npm pack` / `npm publish`: completes the package folder before it is packed.
//  1. The signal, routeboek and school calendar schemas into schemas/, where nodes/lib/schema.js
//     and nodes/lib/routeboek.js look first (in the repository the nodes read ../schemas/ directly).
//  2. On linux-x64 (glibc), the prebuilt addon into prebuilds/linux-x64/node.napi.glibc.node, the
//     name node-gyp-build (nodes/lib/native.js) looks for. It is the repository's CMake build of
//     target eenplan_node (-DEENPLAN_BUILD_NODE_MODULE=ON, libcrypto and the C++ runtime linked
//     statically): EENPLAN_ADDON names one already built, otherwise it is built here in
//     <repo>/build-prebuild-node. Debug info is stripped, and the binary is refused unless it
//     needs nothing but glibc. Binaries for other platforms (linux-arm64, win32-x64; see
//     docs/nodered.md) are put into prebuilds/ by the release build before packing; this keeps them.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const moduleDir = path.resolve(__dirname, '..');
const repo = path.resolve(moduleDir, '..');

for (const schema of [['signals', 'signal.schema.json'], ['routeboek', 'routeboek.schema.json'],
  ['calendar', 'school_calendar.schema.json']]) {
  const schemaTo = path.join(moduleDir, 'schemas', schema[1]);
  fs.mkdirSync(path.dirname(schemaTo), { recursive: true });
  fs.copyFileSync(path.join(repo, 'schemas', ...schema), schemaTo);
}

// Libraries a Linux prebuilt may need: glibc's own, present on every glibc system.
const glibc = new Set(['libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1',
  'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1', 'ld-linux-armhf.so.3']);

function needed(file) {
  const dynamic = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
  return [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

function cmake(args) {
  const result = spawnSync('cmake', args, { cwd: repo, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.error || result.status !== 0) {
    throw new Error(`eenplan prepack: cmake ${args.join(' ')} failed${result.error ? `: ${result.error.message}` : ''}`);
  }
}

function buildAddon() {
  if (process.env.EENPLAN_ADDON) return process.env.EENPLAN_ADDON;
  const build = path.join(repo, 'build-prebuild-node');
  cmake(['-S', repo, '-B', build, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release', '-DEENPLAN_BUILD_NODE_MODULE=ON',
    '-DEENPLAN_NODE_STATIC=ON', '-DEENPLAN_BUILD_TESTS=OFF', '-DEENPLAN_BUILD_BENCHMARKS=OFF']);
  cmake(['--build', build, '--target', 'eenplan_node']);
  return path.join(build, 'module', 'node', 'eenplan.node');
}

const libc = process.env.LIBC || (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc');
if (process.platform === 'linux' && process.arch === 'x64' && libc === 'glibc') {
  const built = buildAddon();
  const target = path.join(moduleDir, 'prebuilds', 'linux-x64', 'node.napi.glibc.node');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  execFileSync('objcopy', ['--strip-debug', built, target]);
  const foreign = needed(target).filter((lib) => !glibc.has(lib));
  if (foreign.length > 0) {
    fs.rmSync(target);
    throw new Error(`eenplan prepack: ${built} needs ${foreign.join(', ')}; a prebuilt may need only glibc ` +
      '(build with -DEENPLAN_NODE_STATIC=ON)');
  }
  console.error(`eenplan prepack: ${path.relative(moduleDir, target)} (${fs.statSync(target).size} bytes)`);
} else {
  console.error(`eenplan prepack: no prebuilt made on ${process.platform}-${process.arch}; keeping prebuilds/ as it is`);
}

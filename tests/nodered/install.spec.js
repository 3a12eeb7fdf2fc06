// The package as a Node-RED user installs it: `npm pack` of module/, then the tarball installed
// offline into a fresh Node-RED user directory, and once more through Node-RED's palette manager
// (POST /nodes with the tarball, as the editor uploads it), with no compiler, no cmake and no
// OpenSSL headers reachable: the children run with a PATH of only node, npm and a few basic
// tools, and, where a mount namespace can be made (unshare), with /usr/include/openssl and
// /usr/include/yaml-cpp hidden under an empty tmpfs and the shared libyaml-cpp emptied (/dev/null
// bound over it). A real Node-RED 4 then registers every node, and a deployed flow
// pseudonymises a BSN and sends the signal to a running eenplan-service, which answers 202, and
// runs a test case through the routeboek check node (the engine in the prebuilt addon).
'use strict';
const assert = require('node:assert/strict');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const moduleDir = path.resolve(__dirname, '..', '..', 'module');
const pkg = require(path.join(moduleDir, 'package.json'));
const { freePort, waitFor, startService, stopAll } = require(path.join(moduleDir, 'test', 'processes'));
const nodeRedMain = require.resolve('node-red/red.js', { paths: [moduleDir] });
const nodeTypes = Object.keys(pkg['node-red'].nodes);
const bsn = '111222333';  // valid by the 11-proef, made up for tests
const routeboekFile = path.resolve(__dirname, '..', '..', 'deploy', 'config', 'routeboek-haaglanden-po.yaml');

// A bin directory with node, npm and basic tools only: whatever else is on this machine's PATH
// (gcc, g++, cc, c++, cmake, make, pkg-config) is out of reach of the children.
function confinedBin(dir) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const npmCli = fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  fs.symlinkSync(npmCli, path.join(bin, 'npm'));
  for (const tool of ['sh', 'env', 'ls', 'cat', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'uname', 'tar', 'gzip']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(bin, tool));
  }
  return bin;
}

// Runs a command in a mount namespace with the OpenSSL headers hidden, when this machine allows
// one (root or user namespaces); otherwise as it is, the PATH alone keeping the compilers away.
const canUnshare = spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;
const which = (tool) => fs.realpathSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim());
function confined(command, args) {
  if (!canUnshare) return [command, args];
  return [which('unshare'),
    ['-m', '--propagation', 'private', '/bin/sh', '-c',
      `for d in /usr/include/openssl /usr/include/yaml-cpp; do if [ -d $d ]; then ${which('mount')} -t tmpfs none $d || exit 97; fi; done; ` +
      `for f in /usr/lib/*/libyaml-cpp.so*; do if [ -f $f ] && [ ! -L $f ]; then ${which('mount')} --bind /dev/null $f || exit 98; fi; done; exec "$@"`,
      'sh', command, ...args]];
}

function run(command, args, options) {
  const [c, a] = confined(command, args);
  return spawnSync(c, a, { encoding: 'utf8', ...options });
}

describe('the packed module installed without a compiler into a real Node-RED [nodered][install]', function () {
  this.timeout(240000);
  const serviceBinary = process.env.EENPLAN_SERVICE_BINARY;
  const keysBinary = process.env.EENPLAN_KEYS_BINARY;
  const secret = 'whsec_' + crypto.randomBytes(32).toString('base64');
  const children = [];
  let dir;
  let bin;
  let env;
  let tarball;
  let hubUrl;
  let publicKey;
  let collector;
  const collected = [];
  const checked = [];

  function startNodeRed(userDir, port) {
    fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify({
      flowFile: 'flows.json', credentialSecret: false, uiHost: '127.0.0.1', uiPort: port,
      editorTheme: { palette: { upload: true }, tours: false }, logging: { console: { level: 'info' } },
    })};\n`);
    const [c, a] = confined(path.join(bin, 'node'), [nodeRedMain, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')]);
    const child = spawn(c, a, { cwd: userDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.output = '';
    child.stdout.on('data', (d) => { child.output += d; });
    child.stderr.on('data', (d) => { child.output += d; });
    children.push(child);
    return waitFor('Node-RED to start', () => {
      if (child.exitCode !== null) throw new Error(`Node-RED exited: ${child.output}`);
      return /Server now running at/.test(child.output) && child;
    }, 60000);
  }

  async function api(port, method, route, body, headers = {}) {
    const response = await fetch(`http://127.0.0.1:${port}${route}`, {
      method, body, headers: { accept: 'application/json', ...headers },
    });
    const text = await response.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: response.status, text, json };
  }

  async function registered(port) {
    const { status, json } = await api(port, 'GET', '/nodes');
    assert.equal(status, 200);
    return json.filter((set) => set.module === pkg.name);
  }

  before(async function () {
    if (!serviceBinary || !keysBinary) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eenplan-install-'));
    bin = confinedBin(dir);
    const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
    env = {
      PATH: bin, HOME: path.join(dir, 'home'), LANG: 'C.UTF-8',
      npm_config_cache: cache, npm_config_offline: 'true', npm_config_audit: 'false',
      npm_config_fund: 'false', npm_config_update_notifier: 'false',
    };
    fs.mkdirSync(env.HOME);

    // The hub: the real service on SQLite with one source, the school.
    const service = await startService({
      dir, serviceBinary, keysBinary, extraConfig: ['sources:', `  - {id: obs-de-regenboog, secrets: ["${secret}"]}`],
    });
    children.push(service.child);
    ({ url: hubUrl, publicKey } = service);

    // What the flow reports back: the signal-out result, posted here by an http request node.
    collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { (req.url === '/check' ? checked : collected).push(JSON.parse(body)); res.end('ok'); });
    });
    await new Promise((r) => collector.listen(0, '127.0.0.1', r));
  });

  after(async () => {
    await stopAll(children);
    if (collector) collector.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('packs the prebuilt addon, which needs nothing but glibc', () => {
    const started = Date.now();
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: moduleDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    tarball = path.join(dir, packed[0].filename);
    const files = packed[0].files.map((f) => f.path);
    assert.ok(files.includes('prebuilds/linux-x64/node.napi.glibc.node'), files.join(', '));
    for (const file of ['scripts/install.js', 'scripts/build-addon.js', 'schemas/signal.schema.json', 'CHANGELOG.md', 'README.md',
      'schemas/routeboek.schema.json', 'schemas/school_calendar.schema.json', 'examples/routeboek-check.json',
      'readers/CMakeLists.txt', 'readers/src/routeboek_reader.cpp', 'nodes/eenplan-routeboek-check.js']) {
      assert.ok(files.includes(file), `${file} is not in the package`);
    }
    assert.ok(!files.some((f) => /test-hooks/.test(f)), 'the test hooks addon was packed');
    const dry = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: moduleDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    assert.ok(dry[0].files.some((f) => f.path === 'prebuilds/linux-x64/node.napi.glibc.node'));
    const prebuilt = path.join(moduleDir, 'prebuilds', 'linux-x64', 'node.napi.glibc.node');
    const dynamic = execFileSync('readelf', ['-d', prebuilt], { encoding: 'utf8' });
    const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    assert.deepEqual(needed.filter((lib) => !/^(libc|libm|ld-linux-x86-64)\.so/.test(lib)), [], `NEEDED: ${needed}`);
    console.log(`      packed in ${Date.now() - started} ms: ${packed[0].size} bytes, ${packed[0].unpackedSize} unpacked, ` +
      `prebuilt ${fs.statSync(prebuilt).size} bytes, NEEDED ${needed.join(' ')}`);
  });

  it('has no compiler, cmake, OpenSSL or yaml-cpp headers, nor a libyaml-cpp, within reach of the install', () => {
    const probe = run(path.join(bin, 'sh'), ['-c',
      'for t in cc c++ g++ gcc clang cmake make; do command -v $t && exit 1; done; ' +
      (canUnshare ? 'test -e /usr/include/openssl/evp.h && exit 2; test -e /usr/include/yaml-cpp/yaml.h && exit 3; ' +
        'for f in /usr/lib/*/libyaml-cpp.so.*; do test -s $f && exit 4; done; ' : '') + 'exit 0'], { env });
    assert.equal(probe.status, 0, `reachable: ${probe.stdout}${probe.stderr}`);
    if (!canUnshare) console.log('      (no mount namespace here: the OpenSSL headers are unreachable only for want of a compiler)');
  });

  it('installs offline into a fresh user directory and runs a flow against the hub', async () => {
    assert.ok(tarball, 'the pack step failed');
    const userDir = path.join(dir, 'user-npm');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    const started = Date.now();
    const installed = run(path.join(bin, 'npm'), ['install', '--offline', tarball], { cwd: userDir, env });
    assert.equal(installed.status, 0, installed.stdout + installed.stderr);
    console.log(`      npm install of the tarball: ${Date.now() - started} ms`);
    const installedDir = path.join(userDir, 'node_modules', ...pkg.name.split('/'));
    assert.ok(fs.existsSync(path.join(installedDir, 'prebuilds', 'linux-x64', 'node.napi.glibc.node')));
    assert.ok(!fs.existsSync(path.join(installedDir, 'build')), 'the install built the addon from source');

    const port = await freePort();
    const nodeRed = await startNodeRed(userDir, port);
    const sets = await registered(port);
    const types = sets.flatMap((set) => set.types);
    for (const type of nodeTypes) assert.ok(types.includes(type), `${type} is not registered: ${JSON.stringify(sets)}`);
    for (const set of sets) {
      assert.equal(set.enabled, true);
      assert.equal(set.err, undefined, `${set.name}: ${set.err}`);
    }
    assert.equal(sets[0].version, pkg.version);
    // The examples are offered under Import → Examples.
    const examples = await api(port, 'GET', `/library/examples/flows/${pkg.name}`);
    assert.equal(examples.status, 200, examples.text);
    for (const example of ['school-nightly-absences', 'municipality-tasks', 'routeboek-check']) {
      assert.ok(examples.text.includes(example), `example ${example} is not offered: ${examples.text}`);
    }

    // inject a signal with a readable BSN → pseudonymise → signal out → report the answer here.
    const flow = [
      { id: 'tab1', type: 'tab', label: 'install test' },
      { id: 'hub1', type: 'eenplan-hub', url: hubUrl, sourceId: 'obs-de-regenboog', publicKey, rejectUnauthorized: true, timeoutMs: 5000, keyedVersion: 1, credentials: { secret } },
      { id: 'inj1', type: 'inject', z: 'tab1', props: [{ p: 'payload' }], payloadType: 'json', wires: [['pse1']],
        payload: JSON.stringify({ type: 'absence.reported', occurred_at: '2026-11-23T08:00:00Z', subject: { bsn }, school: { brin: '12AB', gemeentecode: 'GM0518' }, data: { absence_kind: 'ongeoorloofd', from: '2026-11-02' } }) },
      { id: 'pse1', type: 'eenplan-pseudonymise', z: 'tab1', hub: 'hub1', mode: 'polymorphic', property: 'payload.subject', wires: [['out1'], []] },
      { id: 'out1', type: 'eenplan-signal-out', z: 'tab1', hub: 'hub1', retries: 1, wires: [['chg1'], ['chg1']] },
      { id: 'chg1', type: 'change', z: 'tab1', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'eenplan', tot: 'msg' }], wires: [['req1']] },
      { id: 'req1', type: 'http request', z: 'tab1', method: 'POST', ret: 'txt', url: `http://127.0.0.1:${collector.address().port}/`, wires: [[]] },
      // The routeboek check: the shipped routeboek from its file, a test case through the engine
      // in the prebuilt addon; its result (or what a catch node caught) reported here.
      { id: 'inj2', type: 'inject', z: 'tab1', props: [{ p: 'payload' }], payloadType: 'json', wires: [['rbc1']],
        payload: JSON.stringify({ today: '2026-12-10', expect: { escalated: true, tasks: [{ type: 'leerplicht.zorgwekkend_verzuim', recipient: 'gm0518-leerplicht' }] },
          signals: [{ type: 'absence.reported', occurred_at: '2026-11-02T08:00:00+01:00', school: { brin: '12AB', gemeentecode: 'GM0518' }, data: { absence_kind: 'ongeoorloofd', from: '2026-11-02' } }] }) },
      { id: 'rbc1', type: 'eenplan-routeboek-check', z: 'tab1', routeboekSource: 'file', routeboekFile: routeboekFile, routeboek: '', calendarSource: 'none', wires: [['req2']] },
      { id: 'cat2', type: 'catch', z: 'tab1', scope: ['rbc1'], uncaught: false, wires: [['chg2']] },
      { id: 'chg2', type: 'change', z: 'tab1', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'error', tot: 'msg' }], wires: [['req2']] },
      { id: 'req2', type: 'http request', z: 'tab1', method: 'POST', ret: 'txt', url: `http://127.0.0.1:${collector.address().port}/check`, wires: [[]] },
    ];
    const deployed = await api(port, 'POST', '/flows', JSON.stringify(flow), { 'content-type': 'application/json', 'node-red-deployment-type': 'full' });
    assert.ok(deployed.status === 200 || deployed.status === 204, deployed.text);
    await waitFor('the flow to start', () => /Started flows/.test(nodeRed.output.split('Stopping flows').pop()));
    const pressed = await api(port, 'POST', '/inject/inj1');
    assert.equal(pressed.status, 200);
    const result = await waitFor('the signal-out result', () => collected[0], 20000);
    assert.equal(result.status, 202, JSON.stringify(result));
    assert.match(result.webhookId, /^msg_/);
    const stored = execFileSync('sqlite3', [path.join(dir, 'eenplan.db'), "SELECT subject_kind FROM signals WHERE source_id = 'obs-de-regenboog'"], { encoding: 'utf8' }).trim();
    assert.equal(stored, 'polymorphic');
    // The routeboek check node of the installed package runs the engine.
    assert.equal((await api(port, 'POST', '/inject/inj2')).status, 200);
    const check = await waitFor('the routeboek check result', () => checked[0], 20000);
    assert.equal(check.pass, true, JSON.stringify(check));
    assert.equal(check.routeboek, 'haaglanden-po 2025-2026');
    assert.ok(check.decisions.some((d) => d.kind === 'escalate' && d.rule === 'haaglanden-po/escalation/consecutive_absence'), JSON.stringify(check.decisions));
    assert.doesNotMatch(nodeRed.output, /eenplan.*(error|not found)/i);
    // Credentials stay out of the flow as Node-RED hands it out for export.
    const exported = await api(port, 'GET', '/flows');
    assert.ok(!exported.text.includes(secret), 'the signal secret is in the exported flow');
  });

  it('builds from source only where no prebuilt fits, and says what that needs', () => {
    const installed = path.join(dir, 'user-npm', 'node_modules', ...pkg.name.split('/'));
    assert.ok(fs.existsSync(installed), 'the npm install step failed');
    const copy = path.join(dir, 'package-copy');
    fs.cpSync(installed, copy, { recursive: true });
    const fits = run(path.join(bin, 'node'), [path.join(copy, 'scripts', 'install.js')], { env });
    assert.equal(fits.status, 0, fits.stderr);
    assert.match(fits.stdout, /using prebuilds\/linux-x64\/node\.napi\.glibc\.node/);
    // As on a platform without a prebuilt: the source build is tried, and without cmake it fails
    // with the reason, not a stack trace.
    fs.rmSync(path.join(copy, 'prebuilds'), { recursive: true });
    const none = run(path.join(bin, 'node'), [path.join(copy, 'scripts', 'install.js')], { env });
    assert.notEqual(none.status, 0);
    assert.match(none.stdout, /no prebuilt addon for linux-x64; building it from source/);
    assert.match(none.stderr, /cannot run cmake .*install cmake, g\+\+, libssl-dev and libyaml-cpp-dev/);
    const load = run(path.join(bin, 'node'), ['-e', `require(${JSON.stringify(path.join(copy, 'nodes', 'lib', 'native.js'))})`], { env });
    assert.notEqual(load.status, 0);
    assert.match(load.stderr, /no native addon for linux-x64 [\s\S]*builds one from source, which needs cmake/);
  });

  it('installs through the palette manager the way the editor uploads a tarball', async () => {
    assert.ok(tarball, 'the pack step failed');
    const userDir = path.join(dir, 'user-palette');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    const port = await freePort();
    await startNodeRed(userDir, port);
    assert.deepEqual(await registered(port), []);
    const form = new FormData();
    form.append('tarball', new Blob([fs.readFileSync(tarball)], { type: 'application/gzip' }), path.basename(tarball));
    const started = Date.now();
    const uploaded = await api(port, 'POST', '/nodes', form);
    assert.equal(uploaded.status, 200, uploaded.text);
    console.log(`      palette install of the tarball: ${Date.now() - started} ms`);
    assert.equal(uploaded.json.name, pkg.name);
    const types = (await registered(port)).flatMap((set) => set.types);
    for (const type of nodeTypes) assert.ok(types.includes(type), `${type} is not registered after the palette install`);
  });
});

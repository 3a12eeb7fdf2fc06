// Shared by the specs that run real processes: free ports, waiting, and the real eenplan-service
// started on SQLite in a directory of its own with a fresh pseudonym key and polymorphic master key.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, ms = 30000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Writes eenplan.yaml into `dir` (the common settings, then `extraConfig` lines), starts the
// service there and waits until its log names the port. Returns the child, the hub's URL and the
// polymorphic public key sources encrypt to.
async function startService({ dir, serviceBinary, keysBinary, extraConfig = [] }) {
  fs.writeFileSync(path.join(dir, 'hub-v1.key'), crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
  const publicKey = execFileSync(keysBinary, ['generate', path.join(dir, 'master.yaml')], { encoding: 'utf8' }).trim();
  fs.writeFileSync(path.join(dir, 'eenplan.yaml'), [
    'listen: {address: 127.0.0.1, port: 0}',
    'database: {backend: sqlite, connection: "db=eenplan.db"}',
    'keys:',
    '  pseudonym_keys: [{version: 1, file: hub-v1.key}]',
    '  polymorphic_master_key: master.yaml',
    'logging: {level: information, file: service.log}',
    ...extraConfig,
  ].join('\n'));
  const child = spawn(serviceBinary, ['--config', 'eenplan.yaml'], { cwd: dir, stdio: 'ignore' });
  const logFile = path.join(dir, 'service.log');
  const port = await waitFor('eenplan-service to listen', () => {
    if (child.exitCode !== null) throw new Error(`eenplan-service exited with ${child.exitCode}`);
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    const match = /"event":"service.listening","port":"(\d+)"/.exec(log);
    return match && match[1];
  });
  return { child, url: `http://127.0.0.1:${port}`, publicKey };
}

// Stops the children still running, last started first, and waits for each to exit.
async function stopAll(children) {
  for (const child of [...children].reverse()) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
}

module.exports = { freePort, waitFor, startService, stopAll };

// What the console's browser tests run against: the real eenplan-service (the build tree's
// binary, EENPLAN_SERVICE_BINARY), a webhook receiver that can be told to fail
// (EENPLAN_WEBHOOK_RECEIVER, integration/simulators/webhook_receiver.cpp), the test OpenID
// Connect provider (tests/oidc/idp.js) when it is there, and data made through the service's own
// API: signed signals from a school and tasks for two recipients.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = path.dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.EENPLAN_SOURCE_DIR ?? path.resolve(here, '../..');

const schoolSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const receiverSecret = 'whsec_dGFzay1zZWNyZXQtb2YtdGhlLXJlY2VpdmVyLTEyMzQ=';
const adminSecret = 'test-admin-secret-of-at-least-32-characters';
export const password = 'console-test-wachtwoord';

// Console accounts (local) and the IdP's built-in users (password = user name).
export const users = {
  admin: { name: 'beheerder', roles: ['admin'] },
  officer: { name: 'functionaris', roles: ['privacy_officer'] },
  auditor: { name: 'lezer', roles: ['auditor'] },
  all: { name: 'overzicht', roles: ['admin', 'privacy_officer'] },
};

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (ctest sets it; see tests/CMakeLists.txt)`);
  return value;
}

function writeSecret(file, text) {
  writeFileSync(file, text, { mode: 0o600 });
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// Starts a child process and waits for a line on its standard output that `ready` accepts.
function startChild(command, args, { cwd, ready, env }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not get ready: ${stderr}`)), 30000);
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${stderr}`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const result = ready(line);
      if (result !== undefined) {
        clearTimeout(timer);
        resolve({ child, result });
      }
    });
  });
}

// A BSN that passes the elfproef (synthetic; no real person).
export function syntheticBsn(n) {
  for (let base = 100000000 + n * 97; ; base++) {
    const digits = String(base).padStart(9, '0').split('').map(Number);
    const sum = digits.slice(0, 8).reduce((acc, d, i) => acc + d * (9 - i), 0) - digits[8];
    if (sum % 11 === 0) return digits.join('');
  }
}

function hs256(payload) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', adminSecret).update(unsigned).digest('base64url')}`;
}

function agreementsYaml() {
  return `processing_activities:
  - id: va-leerplicht
    name: Verzuimmeldingen aan leerplicht
    controller: Gemeente Den Haag
    purpose: Toezicht op de naleving van de Leerplichtwet
    legal_basis: Leerplichtwet 1969 art. 16, 18 en 21
    data_categories: [recipient_pseudonym, task_type, due_date]
    subject_categories: [pupils]
    recipients: [leerplicht]
    retention: P5Y
  - id: va-jeugdhulp
    name: Afstemming onderwijs en jeugdhulp
    controller: Gemeente Rijswijk
    purpose: Afstemming van onderwijs en jeugdhulp rond een leerling
    legal_basis: Jeugdwet art. 7.4.0
    data_categories: [recipient_pseudonym, task_type, due_date]
    subject_categories: [pupils, parents]
    recipients: [local_team]
    retention: P2Y
agreements:
  - id: leerplicht-haaglanden
    version: 1
    valid_from: "2020-01-01"
    parties: [{kind: leerplicht}]
    purpose: verzuim
    task_types: ["adviestafel.*"]
    legal_basis: {kind: statutory_task, article: "Leerplichtwet 1969 art. 18"}
    processing_activity: va-leerplicht
    categories: [recipient_pseudonym, task_type, due_date]
    retention: P5Y
`;
}

export class Hub {
  async start({ assetsDir }) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'eenplan-console-'));
    this.binary = required('EENPLAN_SERVICE_BINARY');
    const receiver = await startChild(required('EENPLAN_WEBHOOK_RECEIVER'), ['--secret', receiverSecret], {
      cwd: this.dir,
      ready: (line) => (line.startsWith('{') ? JSON.parse(line).port : undefined),
    });
    this.receiverProcess = receiver.child;
    this.receiverPort = receiver.result;

    writeSecret(path.join(this.dir, 'hub-v1.key'), `${randomBytes(32).toString('hex')}\n`);
    writeSecret(path.join(this.dir, 'admin-jwt.secret'), `${adminSecret}\n`);
    writeSecret(path.join(this.dir, 'password'), `${password}\n`);
    writeFileSync(path.join(this.dir, 'agreements.yaml'), agreementsYaml());

    this.oidc = null;
    const idp = path.join(sourceDir, 'tests/oidc/idp.js');
    const oidcLines = [];
    if (existsSync(idp)) {
      if (!existsSync(path.join(sourceDir, 'tests/oidc/node_modules'))) throw new Error('run npm ci in tests/oidc first');
      this.port = await freePort();
      const idpPort = await freePort();
      const issuer = `http://127.0.0.1:${idpPort}`;
      writeSecret(path.join(this.dir, 'oidc-client.secret'), 'console-test-client-secret\n');
      const redirect = `http://127.0.0.1:${this.port}/console/oidc/callback`;
      const started = await startChild(
        process.execPath,
        [idp, '--port', String(idpPort), '--issuer', issuer, '--client-id', 'eenplan-console', '--client-secret-file',
          path.join(this.dir, 'oidc-client.secret'), '--redirect-uri', redirect],
        { cwd: this.dir, ready: (line) => (line.startsWith('ready') ? line : undefined) },
      );
      this.idpProcess = started.child;
      this.oidc = { issuer };
      oidcLines.push(
        '  oidc:',
        `    issuer: ${issuer}`,
        '    client_id: eenplan-console',
        '    client_secret_file: oidc-client.secret',
        `    redirect_uri: ${redirect}`,
        '    roles_claim: roles',
        '    scopes: [openid, profile]',
      );
    }
    const hook = `http://127.0.0.1:${this.receiverPort}/eenplan/tasks`;
    const recipient = (id, name, kind) =>
      `  - {id: ${id}, name: "${name}", kind: ${kind}, connector: webhook, url: "${hook}", secret: "${receiverSecret}", ` +
      'timeout_ms: 2000, retry: {schedule_seconds: [1], max_age_seconds: 600}}';
    const config = [
      'listen:',
      '  address: 127.0.0.1',
      `  port: ${this.port ?? 0}`,
      '  threads: 8',
      'database: {backend: sqlite, connection: "db=eenplan.db"}',
      'keys:',
      '  pseudonym_keys: [{version: 1, file: hub-v1.key}]',
      'admin: {jwt_secret_file: admin-jwt.secret}',
      'logging: {level: information, file: service.log}',
      'sources:',
      `  - {id: school-a, name: "OBS De Regenboog", secrets: ["${schoolSecret}"], rate_limit: {enabled: false}}`,
      'delivery:',
      '  dispatcher_threads: 2',
      '  poll_interval_ms: 50',
      '  circuit_breaker: {failure_threshold: 1000, open_seconds: 1}',
      'recipients:',
      recipient('gm0518-leerplicht', 'Leerplicht Den Haag', 'leerplicht'),
      recipient('lt-rijswijk', 'Lokaal team Rijswijk', 'local_team'),
      'privacy: {agreements_file: agreements.yaml}',
      'console:',
      `  assets_dir: ${assetsDir}`,
      ...oidcLines,
      '',
    ].join('\n');
    this.configFile = path.join(this.dir, 'eenplan.yaml');
    writeSecret(this.configFile, config);

    // Local console accounts (consoleauth's --add-user) before the service starts.
    for (const user of Object.values(users)) {
      execFileSync(this.binary, ['--config', this.configFile, '--add-user', user.name,
        ...user.roles.flatMap((r) => ['--role', r]), '--password-file', path.join(this.dir, 'password')],
      { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    }

    this.service = spawn(this.binary, ['--config', this.configFile], { cwd: this.dir, stdio: 'ignore' });
    const deadline = Date.now() + 30000;
    for (;;) {
      const log = existsSync(path.join(this.dir, 'service.log')) ? readFileSync(path.join(this.dir, 'service.log'), 'utf8') : '';
      const match = /"event":"service\.listening","port":"(\d+)"/.exec(log);
      if (match) {
        this.port = Number(match[1]);
        break;
      }
      if (this.service.exitCode !== null || Date.now() > deadline) throw new Error(`eenplan-service did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop() {
    for (const child of [this.service, this.receiverProcess, this.idpProcess]) {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          child.once('exit', r);
          setTimeout(r, 5000);
        });
      }
    }
    if (this.dir && !process.env.EENPLAN_KEEP_TEST_DIR) rmSync(this.dir, { recursive: true, force: true });
  }

  adminToken(roles = ['admin']) {
    const now = Math.floor(Date.now() / 1000);
    return hs256({ sub: 'testopzet@eenplan', iss: 'eenplan', aud: 'eenplan-admin', roles, iat: now, exp: now + 600 });
  }

  async api(method, route, body, roles) {
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${this.adminToken(roles)}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  // A signed signal from the school (Standard Webhooks); returns the hub pseudonym of its pupil.
  async enrol(n) {
    const id = `msg_console_${n}_${randomBytes(4).toString('hex')}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      type: 'enrolment.started',
      occurred_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      subject: { bsn: syntheticBsn(n) },
      school: { brin: '12AB', gemeentecode: 'GM0518' },
      data: { start_date: new Date().toISOString().slice(0, 10) },
    });
    const key = Buffer.from(schoolSecret.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    const response = await fetch(`${this.url}/v1/sources/school-a/signals`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` },
      body,
    });
    if (response.status !== 202) throw new Error(`signal refused: ${response.status} ${await response.text()}`);
    const out = execFileSync('sqlite3', [path.join(this.dir, 'eenplan.db'), `SELECT subject_pseudonym FROM signals WHERE webhook_id = '${id}'`]);
    return out.toString().trim();
  }

  async task(recipient, type, pupil) {
    return this.api('POST', '/v1/tasks', {
      type,
      recipient,
      pupil,
      due_date: new Date(Date.now() + 14 * 864e5).toISOString().slice(0, 10),
      reason: 'overleg in het MDO',
      reference: `console/${randomBytes(3).toString('hex')}`,
    });
  }

  async delivery(id) {
    return this.api('GET', `/v1/deliveries/${id}`);
  }

  async until(id, state, seconds = 30) {
    const deadline = Date.now() + seconds * 1000;
    let last;
    while (Date.now() < deadline) {
      last = await this.delivery(id);
      if (last.state === state) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`delivery ${id} stayed ${last?.state}, not ${state}`);
  }

  async receiver(behaviour) {
    const response = await fetch(`http://127.0.0.1:${this.receiverPort}/control`, { method: 'POST', body: JSON.stringify(behaviour) });
    if (!response.ok) throw new Error('the receiver did not take its instructions');
  }
}

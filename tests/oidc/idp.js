// A real OpenID Connect provider (the oidc-provider package) for the console's sign-in tests:
// authorization code with PKCE, one confidential client, and three test users whose ID tokens carry
// a `roles` claim. The password of each is its own name.
//
//   node tests/oidc/idp.js --port P --issuer URL --client-id ID --client-secret-file F --redirect-uri U
//
// Prints `ready <issuer>` on standard output once it listens. Its login page is a plain form at
// /interaction/<uid> (fields "username" and "password", button "Aanmelden"); consent is given
// implicitly for the one client, so a sign-in is: authorization request, form, back to redirect_uri.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const users = {
  admin1: { roles: ['admin'], name: 'Test Beheerder' },
  privacy1: { roles: ['privacy_officer'], name: 'Test Privacyfunctionaris' },
  auditor1: { roles: ['auditor'], name: 'Test Auditor' },
};

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['port', 'issuer', 'client-id', 'client-secret-file', 'redirect-uri']) {
    if (!out[required]) throw new Error(`--${required} is required`);
  }
  return out;
}

const options = args();
const secret = fs.readFileSync(options['client-secret-file'], 'utf8').trim();
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-idp-1', use: 'sig', alg: 'RS256' };

const provider = new Provider(options.issuer, {
  clients: [{
    client_id: options['client-id'],
    client_secret: secret,
    redirect_uris: [options['redirect-uri']],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: options['token-auth-method'] || 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: { openid: ['sub', 'roles'], profile: ['name'] },
  // Roles go into the ID token itself (the hub reads no userinfo).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (!users[id]) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, roles: users[id].roles, name: users[id].name }) };
  },
  // The hub is a first-party client: its grant is given without a consent page.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    grant.addOIDCClaims(['roles', 'name']);
    await grant.save();
    return grant;
  },
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, error) {
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Test-IdP: aanmelden</title></head>
<body><main><h1>Test-IdP</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="username">Gebruikersnaam</label> <input id="username" name="username" autocomplete="username" required>
<label for="password">Wachtwoord</label> <input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Aanmelden</button>
</form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 8192) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, url) {
  const parts = url.pathname.split('/').filter(Boolean);  // interaction, uid[, login]
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== parts[1]) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid));
    return;
  }
  if (req.method === 'POST' && parts[2] === 'login') {
    const form = await readForm(req);
    const username = form.get('username') || '';
    if (!users[username] || form.get('password') !== username) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(details.uid, 'Onbekende gebruiker of verkeerd wachtwoord'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(405);
  res.end();
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, options.issuer);
  if (url.pathname.startsWith('/interaction/')) {
    interaction(req, res, url).catch((error) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${error.message}`);
    });
    return;
  }
  callback(req, res);
});
server.listen(Number(options.port), '127.0.0.1', () => {
  process.stdout.write(`ready ${options.issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));

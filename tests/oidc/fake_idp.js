// A misbehaving identity provider for the console's refusal tests: discovery, a JWKS and a token
// endpoint like a real one, but the ID token is crafted as the authorization request's `mode` asks:
// good, es256 (a good token signed with the EC P-256 key), expired, wrong-signature, wrong-issuer, wrong-audience, wrong-nonce, alg-none, hs256, no-roles.
//
//   node tests/oidc/fake_idp.js --port P --client-id ID --client-secret-file F
//
// Prints `ready <issuer>` once it listens. GET /authorize?...&mode=M redirects to redirect_uri with
// a code that carries the mode and the request's nonce; POST /token (client_secret_basic) answers
// with the token of that mode.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

const argv = process.argv.slice(2);
const options = {};
for (let i = 0; i < argv.length; i += 2) options[argv[i].slice(2)] = argv[i + 1];
const issuer = `http://127.0.0.1:${options.port}`;
const clientId = options['client-id'];
const secret = fs.readFileSync(options['client-secret-file'], 'utf8').trim();
const key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = 'fake-1';
const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

const b64url = (buffer) => Buffer.from(buffer).toString('base64url');

function token(mode, nonce) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: mode === 'wrong-issuer' ? 'http://127.0.0.1:1' : issuer,
    aud: mode === 'wrong-audience' ? 'someone-else' : clientId,
    sub: 'fake-admin',
    iat: mode === 'expired' ? now - 7200 : now,
    exp: mode === 'expired' ? now - 3600 : now + 300,
    nonce: mode === 'wrong-nonce' ? 'not-the-nonce' : nonce,
    roles: mode === 'no-roles' ? [] : ['admin'],
  };
  if (mode === 'es256') {
    const input = `${b64url(JSON.stringify({ alg: 'ES256', kid: 'fake-ec', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(crypto.sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }))}`;
  }
  const alg = mode === 'alg-none' ? 'none' : mode === 'hs256' ? 'HS256' : 'RS256';
  const input = `${b64url(JSON.stringify({ alg, kid, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  if (alg === 'none') return `${input}.`;
  if (alg === 'HS256') return `${input}.${b64url(crypto.createHmac('sha256', secret).update(input).digest())}`;
  const signer = mode === 'wrong-signature' ? other.privateKey : key.privateKey;
  return `${input}.${b64url(crypto.sign('sha256', Buffer.from(input), signer))}`;
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/.well-known/openid-configuration') {
    return json(res, 200, {
      issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
    });
  }
  if (url.pathname === '/jwks') {
    return json(res, 200, {
      keys: [
        { ...key.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'fake-ec', use: 'sig', alg: 'ES256' },
      ],
    });
  }
  if (url.pathname === '/authorize') {
    const code = b64url(JSON.stringify({ mode: url.searchParams.get('mode') || 'good', nonce: url.searchParams.get('nonce') }));
    const back = new URL(url.searchParams.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state'));
    res.writeHead(302, { location: back.toString() });
    return res.end();
  }
  if (url.pathname === '/token' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const expected = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
    const { mode, nonce } = JSON.parse(Buffer.from(form.get('code'), 'base64url').toString());
    return json(res, 200, { access_token: 'x', token_type: 'Bearer', id_token: token(mode, nonce) });
  }
  res.writeHead(404);
  res.end();
});
server.listen(Number(options.port), '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));

// One HTTP(S) request with a timeout, as a promise of {status, headers, body}.
'use strict';
const http = require('node:http');
const https = require('node:https');

function request(url, { method = 'GET', headers = {}, body, ca, rejectUnauthorized = true, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    const options = { method, headers, timeout: timeoutMs };
    if (target.protocol === 'https:') {
      if (ca) options.ca = ca;
      options.rejectUnauthorized = rejectUnauthorized;
    }
    const req = transport.request(target, options, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

module.exports = { request };

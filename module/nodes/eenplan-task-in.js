// eenplan-task-in: the HTTP endpoint to which the hub delivers tasks for this organisation. Each
// delivery is verified natively (Standard Webhooks signature under the task secret, timestamp
// within the tolerance), deduplicated on its webhook-id (the hub retries under the same id, so a
// retry must not create a second item), acknowledged with 202, and emitted as msg for the flow to
// create the item in the organisation's own system.
'use strict';
const native = require('./lib/native');
const { ReplayGuard } = require('./lib/replay-guard');
const { sendProblem } = require('./lib/problem');

const maxBodyBytes = 1024 * 1024;

// The raw bytes of a delivery are what the signature covers. Node-RED mounts its admin app (which
// parses JSON bodies) in front of the HTTP-node app, so by the time a route of ours runs the body
// may be consumed and re-serialised. As Node-RED's own http-in node does for its raw routes, a
// middleware at the top of the root app reads the body of our paths first and marks it parsed.
const rawPaths = new Set();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let length = 0;
    req.on('data', (chunk) => {
      length += chunk.length;
      if (length > maxBodyBytes) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function rootApp(app) {
  return app.parent === undefined ? app : rootApp(app.parent);
}

function installRawCapture(RED) {
  if (typeof RED.httpNode !== 'function') return;
  const root = rootApp(RED.httpNode);
  if (root.eenplanRawCapture) return;
  root.eenplanRawCapture = true;
  const capture = (req, res, next) => {
    if (req.method !== 'POST' || !rawPaths.has(new URL(req.url, 'http://localhost').pathname)) return next();
    readBody(req).then((body) => {
      req.eenplanRawBody = body;
      req._body = true;  // body parsers behind this one leave it alone
      next();
    }, (error) => {
      req.eenplanRawBodyError = error;
      req._body = true;
      next();
    });
  };
  root.use(capture);
  const stack = root._router ? root._router.stack : [];
  const index = stack.findIndex((layer) => layer.handle === capture);
  if (index > 0) stack.unshift(stack.splice(index, 1)[0]);
}

function rawBody(req) {
  if (req.eenplanRawBodyError) return Promise.reject(req.eenplanRawBodyError);
  if (Buffer.isBuffer(req.eenplanRawBody)) return Promise.resolve(req.eenplanRawBody);
  // Read by something else already: the bytes the signature covers are gone.
  if (req.readableEnded) return Promise.reject(Object.assign(new Error('the body was consumed before it could be verified'), { status: 500 }));
  return readBody(req);
}

module.exports = function (RED) {
  function EenplanTaskInNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const hub = RED.nodes.getNode(config.hub);
    const path = config.url && config.url.startsWith('/') ? config.url : `/${config.url || 'eenplan/tasks'}`;
    const tolerance = Number(config.tolerance) || 300;
    const guard = new ReplayGuard(node.context(), tolerance);
    let received = 0;
    let refused = 0;

    if (!hub || hub.taskSecrets.length === 0) {
      node.status({ fill: 'red', shape: 'ring', text: 'no task secret on the eenplan-hub' });
      node.error('eenplan-task-in: the eenplan-hub has no task secret; deliveries would all be refused');
    } else {
      node.status({ fill: 'grey', shape: 'ring', text: `listening on ${path}` });
    }

    const refuse = (res, status, title, detail) => {
      refused += 1;
      node.status({ fill: 'yellow', shape: 'ring', text: `${received} received, ${refused} refused: ${title}` });
      sendProblem(res, status, title, detail);
    };

    async function handle(req, res) {
      let body;
      try {
        body = await rawBody(req);
      } catch (error) {
        refuse(res, error.status || 400, 'Unreadable body', error.message);
        return;
      }
      const id = req.get('webhook-id') || '';
      const verification = native.verify(hub ? hub.taskSecrets : [], {
        id,
        timestamp: req.get('webhook-timestamp') || '',
        signature: req.get('webhook-signature') || '',
      }, body, Math.floor(Date.now() / 1000), tolerance);
      if (!verification.accepted) {
        refuse(res, 401, 'Signature rejected', verification.reason);
        return;
      }
      if (guard.has(id)) {
        // Already accepted: acknowledge again so the hub stops retrying, but emit nothing.
        node.status({ fill: 'green', shape: 'dot', text: `${received} received (last: a repeat, ignored)` });
        res.status(200).json({ status: 'duplicate', webhook_id: id });
        return;
      }
      let task;
      try {
        task = JSON.parse(body.toString('utf8'));
      } catch {
        refuse(res, 400, 'Malformed task', 'the body is not valid JSON');
        return;
      }
      guard.add(id);
      received += 1;
      res.status(202).json({ status: 'accepted', webhook_id: id });
      node.status({ fill: 'green', shape: 'dot', text: `${received} received, ${refused} refused` });
      node.send({
        payload: task,
        topic: task && task.type,
        eenplan: { webhookId: id, timestamp: Number(req.get('webhook-timestamp')) },
      });
    }

    const fullPath = ((RED.settings.httpNodeRoot || '/') + path).replace(/\/{2,}/g, '/');
    rawPaths.add(fullPath);
    installRawCapture(RED);
    const handler = (req, res) => { handle(req, res).catch((error) => { node.error(error); sendProblem(res, 500, 'Internal error', 'the task could not be handled'); }); };
    RED.httpNode.post(path, handler);

    node.on('close', (removed, closed) => {
      rawPaths.delete(fullPath);
      const stack = RED.httpNode._router ? RED.httpNode._router.stack : [];
      for (let i = stack.length - 1; i >= 0; i -= 1) {
        const route = stack[i].route;
        if (route && route.path === path && route.methods.post && route.stack.some((layer) => layer.handle === handler)) {
          stack.splice(i, 1);
        }
      }
      closed();
    });
  }

  RED.nodes.registerType('eenplan-task-in', EenplanTaskInNode);
};

// eenplan-task-in: the HTTP endpoint to which the hub delivers tasks for this organisation. Each
// delivery is verified natively (Standard Webhooks signature under the task secret, timestamp
// within the tolerance), deduplicated on its webhook-id (the hub retries under the same id, so a
// retry must not create a second item) and emitted as msg for the flow to create the item in the
// organisation's own system.
// Acknowledgement ("ack"):
//   flow       (the editor's default) the HTTP answer waits until an eenplan-task-done node says the task is
//              taken (202) or must come again (503); no answer within the ack timeout is a 503
//              with Retry-After, so the hub retries and a failing flow loses nothing.
//   immediate  202 as soon as the delivery is verified, before the flow has acted (also for a
//              node saved before this property existed).
// Taken ids are remembered for the hub's maximum retry age (48 h) in the chosen context store.
// Subjects: a hub with a key server sends the pupil as an encryption for this organisation's domain
// ("pp1:..."); with a recipient key on the eenplan-hub node it is opened here, and msg.payload.subject
// is this organisation's own pseudonym ("ppd1:..."). One that cannot be opened is answered 503 (the
// hub retries, so nothing is lost while the key is being fixed) and never emitted.
'use strict';
const native = require('./lib/native');
const acks = require('./lib/acks');
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
    // A node saved before 0.2.0 has no ack property: it keeps acknowledging at once (its flow has
    // no task done node, so waiting would refuse every delivery), with a warning.
    const ackMode = config.ack === 'flow' ? 'flow' : 'immediate';
    if (config.ack === undefined) {
      node.warn('eenplan-task-in acknowledges each task before the flow has acted; add an eenplan-task-done node ' +
        'and choose "when eenplan-task-done says the task is taken" so a failing flow loses no task');
    }
    const ackTimeoutMs = Math.max(0.1, Number(config.ackTimeout) || 4) * 1000;
    let guard;
    try {
      guard = new ReplayGuard(node.context(), config.store);
    } catch (error) {
      node.error(`eenplan-task-in: context store ${config.store}: ${error.message}`);
      guard = new ReplayGuard(node.context());
    }
    let received = 0;
    let taken = 0;
    let refused = 0;
    let last = '';

    if (!hub || hub.taskSecrets.length === 0) {
      node.status({ fill: 'red', shape: 'ring', text: 'no task secret on the eenplan-hub' });
      node.error('eenplan-task-in: the eenplan-hub has no task secret; deliveries would all be refused');
    } else {
      node.status({ fill: 'grey', shape: 'ring', text: `listening on ${path}` });
    }

    const showStatus = (fill) => node.status({
      fill, shape: fill === 'green' ? 'dot' : 'ring',
      text: `${received} received, ${taken} taken, ${refused} refused${last ? ` (last: ${last})` : ''}`,
    });

    const refuse = (res, status, title, detail) => {
      refused += 1;
      last = title;
      showStatus('yellow');
      sendProblem(res, status, title, detail);
    };

    const accept = (id) => {
      guard.add(id);
      taken += 1;
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
        // Taken already: acknowledge again so the hub stops retrying, but emit nothing.
        last = 'a repeat, ignored';
        showStatus('green');
        res.status(200).json({ status: 'duplicate', webhook_id: id });
        return;
      }
      if (acks.isHeld(id)) {
        // The flow is still working on the first arrival of this id.
        res.set('retry-after', String(Math.ceil(ackTimeoutMs / 1000)));
        sendProblem(res, 503, 'Task in progress', 'this delivery is still being handled; try again later');
        return;
      }
      let task;
      try {
        task = JSON.parse(body.toString('utf8'));
      } catch {
        refuse(res, 400, 'Malformed task', 'the body is not valid JSON');
        return;
      }
      if (task && typeof task.subject === 'string' && task.subject.startsWith('pp1:')) {
        let decrypter;
        try {
          decrypter = hub && hub.recipientDecrypter();
        } catch (error) {
          node.error(`eenplan-task-in: the recipient key on the eenplan-hub is not usable: ${error.message}`);
        }
        const opened = decrypter ? decrypter.decrypt(task.subject) : undefined;
        if (!opened || !opened.pseudonym) {
          res.set('retry-after', '300');
          refuse(res, 503, 'Subject not decryptable', decrypter
            ? 'the subject is not encrypted for this organisation\'s recipient key'
            : 'no recipient key is configured on the eenplan-hub node');
          return;
        }
        task.subject = opened.pseudonym;
      }
      received += 1;
      const msg = {
        payload: task,
        topic: task && task.type,
        eenplan: { webhookId: id, timestamp: Number(req.get('webhook-timestamp')) },
      };
      if (ackMode === 'immediate') {
        accept(id);
        res.status(202).json({ status: 'accepted', webhook_id: id });
        last = 'accepted';
        showStatus('green');
        node.send(msg);
        return;
      }
      const timer = setTimeout(() => acks.answer(id, 'timeout'), ackTimeoutMs);
      acks.hold(id, {
        owner: node,
        answer(outcome, detail) {
          clearTimeout(timer);
          if (outcome === 'taken') {
            accept(id);
            last = 'taken';
            showStatus('green');
            res.status(202).json({ status: 'accepted', webhook_id: id });
            return;
          }
          last = outcome === 'timeout' ? 'no eenplan-task-done in time' : `to be retried${detail ? `: ${detail}` : ''}`;
          showStatus('yellow');
          res.set('retry-after', '60');
          sendProblem(res, 503, 'Task not taken', outcome === 'timeout'
            ? `the flow did not confirm the task within ${ackTimeoutMs / 1000} s; it will come again`
            : 'the flow could not take the task now; it will come again');
        },
      });
      last = 'waiting for the flow';
      showStatus('blue');
      node.send(msg);
    }

    const fullPath = ((RED.settings.httpNodeRoot || '/') + path).replace(/\/{2,}/g, '/');
    rawPaths.add(fullPath);
    installRawCapture(RED);
    const handler = (req, res) => { handle(req, res).catch((error) => { node.error(error); sendProblem(res, 500, 'Internal error', 'the task could not be handled'); }); };
    RED.httpNode.post(path, handler);

    node.on('close', (removed, closed) => {
      acks.releaseOwner(node);
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

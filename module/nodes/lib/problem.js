// RFC 9457 problem+json answers for the HTTP endpoints of the nodes.
'use strict';

function sendProblem(res, status, title, detail) {
  res.status(status)
    .set('content-type', 'application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

module.exports = { sendProblem };

// eenplan-hub: the connection to one eenplan hub, shared by the other nodes of a flow. The hub's
// URL, this organisation's source id and the hub's public key are plain properties; the webhook
// secrets and the local pseudonym key are Node-RED credentials, so they are kept out of the
// exported flow and encrypted in flows_cred.json.
// With a key server the hub sends each task's subject as an encryption for this organisation's
// domain ("pp1:..."); the recipient key (a credential, or a file named by one) and its domain
// ("org:<recipient id on the hub>") let task in open it into the organisation's own pseudonym.
'use strict';
const fs = require('node:fs');

module.exports = function (RED) {
  function EenplanHubNode(config) {
    RED.nodes.createNode(this, config);
    this.url = (config.url || '').replace(/\/+$/, '');
    this.sourceId = config.sourceId;
    this.publicKey = (config.publicKey || '').trim();
    this.rejectUnauthorized = config.rejectUnauthorized !== false;
    this.timeoutMs = Number(config.timeoutMs) || 10000;
    this.keyedDomain = config.keyedDomain || '';
    this.keyedVersion = Number(config.keyedVersion) || 1;
    const credentials = this.credentials || {};
    this.secret = credentials.secret || '';
    this.taskSecrets = [credentials.taskSecret, credentials.previousTaskSecret].filter(Boolean);
    this.ca = config.caFile ? fs.readFileSync(config.caFile) : undefined;

    // The key for keyed pseudonyms: a credential (hex), or a file whose path is a credential.
    this.keyedKey = () => {
      if (credentials.keyedKey) return credentials.keyedKey.trim();
      if (credentials.keyedKeyFile) return fs.readFileSync(credentials.keyedKeyFile, 'utf8').trim();
      return '';
    };
    this.recipientDomain = (config.recipientDomain || '').trim();
    let decrypter;
    // The decrypter for task subjects, or undefined when no recipient key is configured; throws
    // when the key or the domain is not acceptable.
    this.recipientDecrypter = () => {
      if (decrypter !== undefined) return decrypter || undefined;
      let key = '';
      if (credentials.recipientKey) key = credentials.recipientKey.trim();
      else if (credentials.recipientKeyFile) key = fs.readFileSync(credentials.recipientKeyFile, 'utf8').trim();
      if (!key) {
        decrypter = null;
        return undefined;
      }
      const native = require('./lib/native');
      decrypter = new native.RecipientDecrypter(key, this.recipientDomain);
      return decrypter;
    };
    this.signalsUrl = () => `${this.url}/v1/sources/${encodeURIComponent(this.sourceId)}/signals`;
  }

  RED.nodes.registerType('eenplan-hub', EenplanHubNode, {
    credentials: {
      secret: { type: 'password' },
      taskSecret: { type: 'password' },
      previousTaskSecret: { type: 'password' },
      keyedKey: { type: 'password' },
      keyedKeyFile: { type: 'text' },
      recipientKey: { type: 'password' },
      recipientKeyFile: { type: 'text' },
    },
  });
};

// The subject of a canonical signal ({bsn} or {onderwijsnummer}) and what pseudonymising it gives.
'use strict';

const kinds = ['bsn', 'onderwijsnummer'];

// {kind, number} of a subject or of a signal carrying one; null when there is no number to
// pseudonymise (already polymorphic, or not a subject at all).
function numberOf(value) {
  const subject = value && typeof value === 'object' && value.subject && typeof value.subject === 'object'
    ? value.subject : value;
  if (!subject || typeof subject !== 'object') return null;
  for (const kind of kinds) {
    if (typeof subject[kind] === 'string') return { kind, number: subject[kind], subject };
  }
  return null;
}

// Replaces the number in `subject` by `field: pseudonym`, leaving nothing of the number behind.
function replaceNumber(subject, kind, field, pseudonym) {
  delete subject[kind];
  subject[field] = pseudonym;
}

module.exports = { kinds, numberOf, replaceNumber };

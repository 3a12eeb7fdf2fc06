// Absence registrations from a LAS export (the CSV a school downloads from ParnasSys, Magister or
// Somtoday) mapped to canonical absence.reported signals. The vendors name their columns
// differently; each field accepts the names below (case and spaces ignored). Dates may be
// DD-MM-YYYY (as the exports show them) or YYYY-MM-DD.
//   bsn              BSN, Burgerservicenummer, Sofinummer
//   onderwijsnummer  Onderwijsnummer, Persoonsgebonden nummer, PGN
//   from             Datum van, Begindatum, Van, Startdatum
//   to               Datum tot, Einddatum, Tot
//   kind             Soort verzuim, Verzuimsoort, Reden, Absentiereden
//   hours            Uren, Aantal uren, Lesuren
//   id               Registratienummer, Verzuim-id, Id, Absentie-id (a stable webhook-id)
// An enrolment export (in- and uitschrijvingen) has no absence columns but these; a row with an
// uitschrijfdatum becomes enrolment.ended, otherwise enrolment.started:
//   enrolledOn       Datum inschrijving, Inschrijfdatum, Ingangsdatum
//   leftOn           Datum uitschrijving, Uitschrijfdatum
//   sector           Onderwijssoort, Sector (PO, SO, VO, MBO, or havo/vwo/... as text)
//   leaveReason      Reden uitschrijving, Uitschrijfreden
'use strict';

const columns = {
  bsn: ['bsn', 'burgerservicenummer', 'sofinummer'],
  onderwijsnummer: ['onderwijsnummer', 'persoonsgebondennummer', 'pgn'],
  from: ['datumvan', 'begindatum', 'van', 'startdatum'],
  to: ['datumtot', 'einddatum', 'tot'],
  kind: ['soortverzuim', 'verzuimsoort', 'reden', 'absentiereden'],
  hours: ['uren', 'aantaluren', 'lesuren'],
  id: ['registratienummer', 'verzuim-id', 'verzuimid', 'id', 'absentie-id', 'absentieid'],
  enrolledOn: ['datuminschrijving', 'inschrijfdatum', 'ingangsdatum'],
  leftOn: ['datumuitschrijving', 'uitschrijfdatum'],
  sector: ['onderwijssoort', 'sector'],
  leaveReason: ['redenuitschrijving', 'uitschrijfreden'],
};

const squash = (name) => String(name).toLowerCase().replace(/[\s_]/g, '');

// header row → {field: column index}
function mapHeader(header) {
  const mapping = {};
  header.forEach((name, index) => {
    const key = squash(name);
    for (const [field, names] of Object.entries(columns)) {
      if (mapping[field] === undefined && names.includes(key)) mapping[field] = index;
    }
  });
  return mapping;
}

function isoDate(text) {
  const value = String(text || '').trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return value;
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(value);
  if (m) return `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return undefined;
}

function absenceKind(text) {
  const value = String(text || '').toLowerCase();
  if (value.includes('ongeoorloofd') || value.includes('spijbel')) return 'ongeoorloofd';
  if (value.includes('ziek')) return 'ziekte';
  if (value.includes('geoorloofd') || value.includes('verlof') || value.includes('vrijstelling')) return 'geoorloofd';
  return undefined;
}

// An export of in- and uitschrijvingen rather than of absences.
function isEnrolmentExport(mapping) {
  return mapping.from === undefined && (mapping.enrolledOn !== undefined || mapping.leftOn !== undefined);
}

// The codes of the signal schema, as the hub's LAS mappers read them (integration/inbound/las_enrolment.cpp).
function enrolmentSector(text) {
  const value = String(text || '').toLowerCase();
  if (value === 'po' || value.includes('primair') || value.includes('basis')) return 'po';
  if (value === 'so' || value === 'vso' || value.includes('speciaal')) return 'so';
  if (value === 'vo' || ['voortgezet', 'havo', 'vwo', 'vmbo'].some((w) => value.includes(w))) return 'vo';
  if (value === 'mbo' || value.includes('beroeps')) return 'mbo';
  return undefined;
}

function enrolmentEndReason(text) {
  const value = String(text || '').toLowerCase();
  if (['verhuiz', 'emigrat', 'buitenland'].some((w) => value.includes(w))) return 'verhuizing';
  if (['schoolwissel', 'andere school', 'overstap', 'doorstroom'].some((w) => value.includes(w))) return 'schoolwissel';
  if (['leerplicht', 'diploma', 'startkwalificatie'].some((w) => value.includes(w))) return 'einde_leerplicht';
  if (value.includes('vrijstelling')) return 'vrijstelling';
  return 'overig';
}

function subjectOf(cell, problems) {
  const subject = {};
  if (cell('bsn')) subject.bsn = cell('bsn').replace(/\D/g, '');
  else if (cell('onderwijsnummer')) subject.onderwijsnummer = cell('onderwijsnummer').replace(/\D/g, '');
  else problems.push({ pointer: '/subject', detail: 'the row has neither a BSN nor an onderwijsnummer' });
  return subject;
}

function enrolmentRowToSignal(cell, school, now) {
  const problems = [];
  const subject = subjectOf(cell, problems);
  const ended = cell('leftOn') !== '';
  const date = isoDate(ended ? cell('leftOn') : cell('enrolledOn'));
  const pointer = ended ? '/data/end_date' : '/data/start_date';
  if (!date) problems.push({ pointer, detail: 'the date of the in- or uitschrijving is missing or not a date' });
  if (problems.length) return { problems };
  const data = ended ? { end_date: date, reason: enrolmentEndReason(cell('leaveReason')) } : { start_date: date };
  const sector = ended ? undefined : enrolmentSector(cell('sector'));
  if (sector) data.sector = sector;
  return {
    signal: { type: ended ? 'enrolment.ended' : 'enrolment.started', occurred_at: now, subject, school: { ...school }, data },
    // Its own id space: registration number 501 of an absence export is another message.
    id: cell('id') ? `enrolment_${cell('id')}` : undefined,
  };
}

// One row → {signal, id} or {problems}; `school` is {brin, gemeentecode}, `now` an ISO timestamp.
function rowToSignal(row, mapping, school, now) {
  const cell = (field) => (mapping[field] === undefined ? '' : String(row[mapping[field]] || '').trim());
  if (isEnrolmentExport(mapping)) return enrolmentRowToSignal(cell, school, now);
  const problems = [];
  const subject = subjectOf(cell, problems);

  const from = isoDate(cell('from'));
  if (!from) problems.push({ pointer: '/data/from', detail: 'the start date is missing or not a date' });
  const to = cell('to') ? isoDate(cell('to')) : undefined;
  if (cell('to') && !to) problems.push({ pointer: '/data/to', detail: 'the end date is not a date' });
  const kind = absenceKind(cell('kind'));
  if (!kind) problems.push({ pointer: '/data/absence_kind', detail: 'the kind of absence is not recognised' });
  const hours = cell('hours') ? Number(cell('hours').replace(',', '.')) : undefined;
  if (hours !== undefined && !(hours >= 0)) problems.push({ pointer: '/data/hours', detail: 'hours is not a number' });
  if (problems.length) return { problems };

  const data = { absence_kind: kind, from };
  if (to) data.to = to;
  if (hours !== undefined) data.hours = hours;
  return {
    signal: { type: 'absence.reported', occurred_at: now, subject, school: { ...school }, data },
    id: cell('id') || undefined,
  };
}

module.exports = { mapHeader, rowToSignal, isoDate, absenceKind, isEnrolmentExport };

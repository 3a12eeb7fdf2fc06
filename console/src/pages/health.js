import { get } from '../api.js';
import { h, badge, fmtNumber, pageHeader, table, timeElement } from '../ui.js';

const circuits = { closed: 'dicht (normaal)', open: 'open (pauze)', half_open: 'half open (proberen)' };

function rate(errors, total) {
  if (!total) return '–';
  return `${fmtNumber((100 * errors) / total, 1)}%`;
}

// Bronnen en ontvangers: last success, volume and error rate of the last 24 hours, circuit state.
export async function healthPage(main) {
  const data = await get('/v1/console/health');
  main.append(
    ...pageHeader('Bronnen en ontvangers', 'De gezondheid van elke koppeling over de laatste 24 uur.'),
    h('section', { 'aria-labelledby': 'sources-title' },
      h('h2', { id: 'sources-title' }, 'Bronnen'),
      table('Bronnen', [
        { label: 'Bron', value: (s) => s.id, rowHeader: true },
        { label: 'Laatst gelukt', value: (s) => timeElement(s.last_success_at) },
        { label: 'Ontvangen (24 uur)', value: (s) => fmtNumber(s.received_24h), class: 'num' },
        { label: 'Fouten (24 uur)', value: (s) => fmtNumber(s.errors_24h), class: 'num' },
        { label: 'Foutpercentage', value: (s) => rate(s.errors_24h, s.received_24h + s.errors_24h), class: 'num' },
      ], data.sources ?? [], { captionHidden: true, empty: 'Geen bronnen ingesteld.' })),
    h('section', { 'aria-labelledby': 'recipients-title' },
      h('h2', { id: 'recipients-title' }, 'Ontvangers'),
      table('Ontvangers', [
        { label: 'Ontvanger', value: (r) => r.id, rowHeader: true },
        { label: 'Laatst gelukt', value: (r) => timeElement(r.last_success_at) },
        { label: 'Pogingen (24 uur)', value: (r) => fmtNumber(r.attempts_24h), class: 'num' },
        { label: 'Mislukt (24 uur)', value: (r) => fmtNumber(r.failures_24h), class: 'num' },
        { label: 'Foutpercentage', value: (r) => rate(r.failures_24h, r.attempts_24h), class: 'num' },
        { label: 'Circuit', value: (r) => h('span', {}, badge(r.circuit === 'closed' ? 'closed' : r.circuit), ' ', circuits[r.circuit] ?? r.circuit) },
      ], data.recipients ?? [], { captionHidden: true, empty: 'Geen ontvangers ingesteld.' })),
  );
}

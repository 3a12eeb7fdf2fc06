import { get, query } from '../api.js';
import { h, field, pageHeader, table, timeElement } from '../ui.js';
import { categoryLabel } from './privacy_common.js';

const bases = { statutory_task: 'wettelijke taak', consent: 'toestemming' };

// Verstrekkingen: the disclosure log — what left the hub, to whom, on which agreement and basis.
export async function disclosuresPage(main, params) {
  const recipient = h('input', { id: 'recipient', name: 'recipient', value: params.get('recipient') ?? '' });
  const pupil = h('input', { id: 'pupil', name: 'pupil', value: params.get('pupil') ?? '', class: 'mono' });
  const form = h('form', { class: 'filters', 'aria-label': 'Filters' }, field('Ontvanger', recipient), field('Leerling-id', pupil),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Filteren')));
  const results = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    const data = await get(`/v1/privacy/disclosures${query({ recipient: recipient.value.trim(), pupil: pupil.value.trim(), limit: 200 })}`);
    results.replaceChildren(
      table('Verstrekkingen', [
        { label: 'Moment', value: (d) => timeElement(d.disclosed_at_us), rowHeader: true },
        { label: 'Ontvanger', value: (d) => d.recipient_id },
        { label: 'Taak', value: (d) => d.task_type },
        { label: 'Afspraak', value: (d) => `${d.agreement?.id} v${d.agreement?.version}` },
        { label: 'Grondslag', value: (d) => `${bases[d.legal_basis?.kind] ?? d.legal_basis?.kind}${d.legal_basis?.article ? ` (${d.legal_basis.article})` : ''}` },
        { label: 'Doel', value: (d) => d.purpose },
        { label: 'Gegevens', value: (d) => (d.categories ?? []).map(categoryLabel).join(', ') },
      ], data.disclosures ?? [], { empty: 'Geen verstrekkingen gevonden.', captionHidden: true }),
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  main.append(...pageHeader('Verstrekkingen', 'Alles wat de hub aan een ontvanger heeft verstrekt, met de afspraak en de grondslag.'), form, results);
  await load();
}

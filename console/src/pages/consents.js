import { can, get, post } from '../api.js';
import { h, badge, button, errorText, field, notice, pageHeader, select, table, timeElement } from '../ui.js';
import { categories, categoryLabel, checkboxes, checkedValues, today } from './privacy_common.js';

const ages = { under_12: 'jonger dan 12', '12_to_15': '12 tot 16', '16_plus': '16 of ouder' };
const givers = { parent: 'ouder', young_person: 'jongere' };

// Toestemmingen: the consents of one pupil (by the hub's pupil id), give and withdraw.
export async function consentsPage(main, params) {
  const pupil = params.get('leerling') ?? '';
  const messages = h('div', { class: 'messages' });
  const results = h('div');
  const pupilInput = h('input', { id: 'pupil', name: 'leerling', value: pupil, class: 'mono', spellcheck: 'false', required: true });
  const search = h('form', { class: 'inline-form', role: 'search', 'aria-label': 'Leerling zoeken' },
    field('Leerling-id (van de hub)', pupilInput), h('button', { type: 'submit', class: 'button button-primary' }, 'Tonen'));
  search.addEventListener('submit', (event) => {
    event.preventDefault();
    history.replaceState(null, '', `/console/toestemmingen?leerling=${encodeURIComponent(pupilInput.value.trim())}`);
    load();
  });
  main.append(...pageHeader('Toestemmingen', 'Toestemmingen van ouders of jongeren per leerling. De console toont alleen de pseudonieme leerling-id van de hub.'), search, messages, results);

  const load = async () => {
    const id = pupilInput.value.trim();
    if (!id) return;
    try {
      const data = await get(`/v1/privacy/consents?pupil=${encodeURIComponent(id)}`);
      results.replaceChildren(
        table('Toestemmingen van deze leerling', [
          { label: 'Doel', value: (c) => c.purpose, rowHeader: true },
          { label: 'Ontvanger (soort)', value: (c) => c.recipient_kind ?? 'alle' },
          { label: 'Gegevens', value: (c) => (c.categories ?? []).map(categoryLabel).join(', ') },
          { label: 'Gegeven door', value: (c) => (c.given_by ?? []).map((g) => givers[g] ?? g).join(' en ') },
          { label: 'Geldig', value: (c) => `${c.valid_from}${c.valid_until ? ` tot ${c.valid_until}` : ''}` },
          { label: 'Vastgelegd', value: (c) => timeElement(c.given_at_us) },
          { label: 'Status', value: (c) => (c.withdrawn_at_us ? h('span', {}, badge('cancelled'), ' ingetrokken') : badge('accepted')) },
          {
            label: 'Acties',
            value: (c) =>
              can.govern() && !c.withdrawn_at_us
                ? button('Intrekken', async () => {
                    try {
                      await post(`/v1/privacy/consents/${encodeURIComponent(c.consent_id)}/withdraw`);
                      messages.replaceChildren(notice('ok', 'De toestemming is ingetrokken.'));
                      await load();
                    } catch (error) {
                      messages.replaceChildren(notice('error', errorText(error)));
                    }
                  }, { kind: 'danger', 'aria-label': `Toestemming voor ${c.purpose} intrekken` })
                : '–',
          },
        ], data.consents ?? [], { empty: 'Geen toestemmingen voor deze leerling.' }),
      );
    } catch (error) {
      results.replaceChildren(notice('error', errorText(error)));
    }
  };

  if (can.govern()) {
    const f = {
      purpose: h('input', { id: 'c-purpose', required: true, value: 'jeugdhulp-afstemming' }),
      kind: h('input', { id: 'c-kind', value: 'local_team' }),
      from: h('input', { id: 'c-from', type: 'date', required: true, value: today() }),
      until: h('input', { id: 'c-until', type: 'date' }),
      age: select('c-age', Object.entries(ages), '12_to_15'),
    };
    const form = h('form', { class: 'card stack', 'aria-labelledby': 'consent-new' },
      h('h2', { id: 'consent-new' }, 'Toestemming vastleggen'),
      h('div', { class: 'grid-2' }, field('Doel', f.purpose), field('Soort ontvanger', f.kind), field('Geldig vanaf', f.from), field('Geldig tot (optioneel)', f.until), field('Leeftijd bij toestemming', f.age)),
      checkboxes('given_by', 'Gegeven door', Object.entries(givers), ['parent']),
      checkboxes('c-categories', 'Gegevens', categories, ['recipient_pseudonym', 'task_type', 'due_date']),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Vastleggen')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {
        pupil: pupilInput.value.trim(),
        purpose: f.purpose.value.trim(),
        categories: checkedValues(form, 'c-categories'),
        valid_from: f.from.value,
        given_by: checkedValues(form, 'given_by'),
        age_band: f.age.value,
      };
      if (f.kind.value.trim()) body.recipient_kind = f.kind.value.trim();
      if (f.until.value) body.valid_until = f.until.value;
      try {
        await post('/v1/privacy/consents', body);
        messages.replaceChildren(notice('ok', 'De toestemming is vastgelegd.'));
        await load();
      } catch (error) {
        messages.replaceChildren(notice('error', errorText(error)));
      }
    });
    main.append(form);
  }
  await load();
}

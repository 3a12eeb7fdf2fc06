import { can, get, post } from '../api.js';
import { h, badge, button, errorText, field, notice, pageHeader, select, table, timeElement } from '../ui.js';
import { categories, categoryLabel, checkboxes, checkedValues, list, today } from './privacy_common.js';

const bases = { statutory_task: 'wettelijke taak', consent: 'toestemming' };

function parties(agreement) {
  return (agreement.parties ?? []).map((p) => (p.kind ? `soort: ${p.kind}` : `organisatie: ${p.organisation}`)).join(', ');
}

// Afspraken: the data-sharing agreements (convenanten) — create, a next version, revoke, and what
// they allowed (disclosures) or blocked (deliveries without an agreement).
export async function agreementsPage(main) {
  const messages = h('div', { class: 'messages' });
  const overview = h('div');
  const effects = h('div');
  main.append(
    ...pageHeader('Afspraken', 'Zonder geldende afspraak verlaat geen enkele taak de hub. Een afspraak wordt nooit bewerkt: elke wijziging is een nieuwe versie.'),
    messages,
    overview,
  );
  let activities = [];
  try {
    activities = (await get('/v1/privacy/activities')).processing_activities ?? [];
  } catch {
    // shown without the register's names
  }

  const load = async () => {
    const data = await get('/v1/privacy/agreements');
    const items = data.agreements ?? [];
    overview.replaceChildren(
      table(
        `Afspraken op ${data.date ?? today()}`,
        [
          { label: 'Afspraak', value: (a) => a.id, rowHeader: true },
          { label: 'Titel', value: (a) => current(a)?.title ?? '–' },
          { label: 'Geldende versie', value: (a) => (a.version_in_force ? String(a.version_in_force) : h('span', {}, badge('blocked'), ' geen')) },
          { label: 'Partijen', value: (a) => parties(current(a) ?? {}) },
          { label: 'Taaktypen', value: (a) => (current(a)?.task_types ?? []).join(', ') },
          { label: 'Grondslag', value: (a) => bases[current(a)?.legal_basis?.kind] ?? '–' },
          {
            label: 'Versies',
            value: (a) =>
              h('details', {}, h('summary', {}, `${a.versions.length} versie(s)`),
                h('ol', {}, a.versions.map((v) => h('li', {}, `v${v.version} vanaf ${v.valid_from}${v.valid_until ? ` tot ${v.valid_until}` : ''}${v.revoked ? ' (ingetrokken)' : ''} door ${v.created_by}`)))),
          },
          {
            label: 'Acties',
            value: (a) =>
              can.govern() && a.version_in_force
                ? h('div', { class: 'actions' },
                    button('Nieuwe versie', () => fill(current(a)), { kind: 'secondary', 'aria-label': `Nieuwe versie van ${a.id}` }),
                    button('Intrekken…', () => revoke(a), { kind: 'danger', 'aria-label': `${a.id} intrekken` }))
                : '–',
          },
        ],
        items,
        { empty: 'Er zijn nog geen afspraken. Alle taken worden tegengehouden.' },
      ),
    );
    await showEffects();
  };
  const current = (a) => a.versions.find((v) => v.version === a.version_in_force) ?? a.versions[a.versions.length - 1];

  const revoke = (a) => {
    const date = h('input', { id: 'revoke-from', type: 'date', value: today(), required: true });
    const form = h('form', { class: 'card confirm', 'aria-labelledby': 'revoke-title' },
      h('h2', { id: 'revoke-title', tabindex: '-1' }, `${a.id} intrekken`),
      h('p', {}, 'Vanaf deze datum gaat er op grond van deze afspraak niets meer naar buiten.'),
      field('Ingetrokken vanaf', date),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-danger' }, 'Intrekken'), button('Terug', () => form.remove(), { kind: 'quiet' })));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await post(`/v1/privacy/agreements/${encodeURIComponent(a.id)}/revoke`, { valid_from: date.value });
        form.remove();
        messages.replaceChildren(notice('ok', `Afspraak ${a.id} is ingetrokken vanaf ${date.value}.`));
        await load();
      } catch (error) {
        messages.replaceChildren(notice('error', errorText(error)));
      }
    });
    messages.replaceChildren(form);
    form.querySelector('h2').focus();
  };

  // What the agreements allowed (the latest disclosures) and blocked (deliveries held back).
  const showEffects = async () => {
    const parts = [];
    try {
      const blocked = (await get('/v1/deliveries?state=blocked&limit=50')).deliveries ?? [];
      parts.push(h('section', { 'aria-labelledby': 'blocked-title' }, h('h2', { id: 'blocked-title' }, 'Tegengehouden taken'),
        table('Tegengehouden taken', [
          { label: 'Levering', value: (d) => h('span', { class: 'mono' }, d.delivery_id), rowHeader: true },
          { label: 'Ontvanger', value: (d) => d.recipient_id },
          { label: 'Reden', value: (d) => d.last_error ?? '–' },
          { label: 'Sinds', value: (d) => timeElement(d.updated_at_us) },
        ], blocked, { captionHidden: true, empty: 'Geen tegengehouden taken.' })));
    } catch {
      // not readable with these roles
    }
    try {
      const allowed = (await get('/v1/privacy/disclosures?limit=20')).disclosures ?? [];
      parts.push(h('section', { 'aria-labelledby': 'allowed-title' }, h('h2', { id: 'allowed-title' }, 'Laatst toegestane verstrekkingen'),
        table('Laatst toegestane verstrekkingen', [
          { label: 'Moment', value: (d) => timeElement(d.disclosed_at_us), rowHeader: true },
          { label: 'Ontvanger', value: (d) => d.recipient_id },
          { label: 'Taak', value: (d) => d.task_type },
          { label: 'Afspraak', value: (d) => `${d.agreement?.id} v${d.agreement?.version}` },
        ], allowed, { captionHidden: true, empty: 'Nog niets verstrekt.' })));
    } catch {
      // not readable with these roles
    }
    effects.replaceChildren(...parts);
  };

  // The form for a new agreement or the next version of one.
  const form = h('form', { class: 'card stack', 'aria-labelledby': 'new-title' });
  const input = (id, attrs = {}) => h('input', { id, name: id, ...attrs });
  const f = {
    id: input('a-id', { required: true, pattern: '[a-z0-9][a-z0-9._\\-]{0,63}', spellcheck: 'false' }),
    title: input('a-title'),
    valid_from: input('a-from', { type: 'date', required: true, value: today() }),
    valid_until: input('a-until', { type: 'date' }),
    parties: input('a-parties', { required: true, spellcheck: 'false' }),
    purpose: input('a-purpose', { required: true, spellcheck: 'false' }),
    task_types: input('a-tasks', { required: true, spellcheck: 'false' }),
    basis: select('a-basis', [['statutory_task', 'Wettelijke taak'], ['consent', 'Toestemming']], 'statutory_task'),
    article: input('a-article'),
    activity: activities.length
      ? select('a-activity', activities.map((a) => [a.id, `${a.name} (${a.id})`]), activities[0].id)
      : input('a-activity', { required: true }),
    retention: input('a-retention', { required: true, value: 'P2Y', pattern: 'P([0-9]{1,3}Y)?([0-9]{1,3}M)?([0-9]{1,4}D)?' }),
  };
  const fill = (v) => {
    f.id.value = v.id;
    f.title.value = v.title ?? '';
    f.valid_from.value = today();
    f.valid_until.value = v.valid_until ?? '';
    f.parties.value = (v.parties ?? []).map((p) => (p.kind ? `soort:${p.kind}` : p.organisation)).join(', ');
    f.purpose.value = v.purpose ?? '';
    f.task_types.value = (v.task_types ?? []).join(', ');
    f.basis.value = v.legal_basis?.kind ?? 'statutory_task';
    f.article.value = v.legal_basis?.article ?? '';
    f.activity.value = v.processing_activity ?? '';
    f.retention.value = v.retention ?? 'P2Y';
    for (const box of form.querySelectorAll('input[name="categories"]')) box.checked = (v.categories ?? []).includes(box.value);
    form.querySelector('h2').focus();
  };
  form.append(
    h('h2', { id: 'new-title', tabindex: '-1' }, 'Nieuwe afspraak of nieuwe versie'),
    h('p', { class: 'hint' }, 'Met een bestaand kenmerk maakt u de volgende versie van die afspraak.'),
    h('div', { class: 'grid-2' },
      field('Kenmerk', f.id, 'Kleine letters, cijfers, punt, streepje; bijvoorbeeld leerplicht-rijswijk.'),
      field('Titel', f.title),
      field('Geldig vanaf', f.valid_from),
      field('Geldig tot (optioneel)', f.valid_until),
      field('Partijen', f.parties, 'Gescheiden door komma’s: een organisatie (gm0603-leerplicht) of een soort (soort:leerplicht).'),
      field('Doel', f.purpose, 'Bijvoorbeeld verzuim of jeugdhulp-afstemming.'),
      field('Taaktypen', f.task_types, 'Gescheiden door komma’s, bijvoorbeeld leerplicht.*'),
      field('Grondslag', f.basis),
      field('Wetsartikel', f.article, 'Verplicht bij een wettelijke taak.'),
      field('Verwerking (register)', f.activity),
      field('Bewaartermijn', f.retention, 'ISO 8601, bijvoorbeeld P5Y.'),
    ),
    checkboxes('categories', 'Gegevens die gedeeld mogen worden', categories, ['recipient_pseudonym', 'task_type', 'due_date']),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Afspraak vastleggen')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      id: f.id.value.trim(),
      valid_from: f.valid_from.value,
      parties: list(f.parties.value).map((p) => (p.startsWith('soort:') ? { kind: p.slice(6) } : { organisation: p })),
      purpose: f.purpose.value.trim(),
      task_types: list(f.task_types.value),
      legal_basis: { kind: f.basis.value, ...(f.article.value.trim() ? { article: f.article.value.trim() } : {}) },
      processing_activity: f.activity.value,
      categories: checkedValues(form, 'categories'),
      retention: f.retention.value.trim(),
    };
    if (f.title.value.trim()) body.title = f.title.value.trim();
    if (f.valid_until.value) body.valid_until = f.valid_until.value;
    try {
      const saved = await post('/v1/privacy/agreements', body);
      messages.replaceChildren(notice('ok', `Afspraak ${saved.id} versie ${saved.version} is vastgelegd.`));
      await load();
    } catch (error) {
      const details = (error.problem?.errors ?? []).map((e) => `${e.pointer ?? e.field ?? ''} ${e.detail ?? ''}`.trim());
      messages.replaceChildren(notice('error', [errorText(error), ...details].join(' · ')));
    }
  });
  if (can.govern()) main.append(form);
  main.append(effects);
  await load();
}

export { categoryLabel };

import { get, query } from '../api.js';
import { h, button, field, notice, pageHeader, table, timeElement } from '../ui.js';

const roles = { admin: 'beheerder', privacy_officer: 'privacyfunctionaris', auditor: 'auditor' };

// Audittrail: who did what, reads included; every entry is chained to the previous one by hash.
export async function auditPage(main, params) {
  const actor = h('input', { id: 'actor', name: 'actor', value: params.get('actor') ?? '' });
  const object = h('input', { id: 'object', name: 'object', value: params.get('object') ?? '', class: 'mono' });
  const form = h('form', { class: 'filters', 'aria-label': 'Filters' }, field('Wie', actor), field('Object-id', object),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Filteren')));
  const results = h('div', { 'aria-live': 'polite' });
  const pages = [0];
  const load = async (page) => {
    const data = await get(`/v1/audit${query({ actor: actor.value.trim(), object: object.value.trim(), after: pages[page], limit: 50 })}`);
    const entries = data.entries ?? [];
    if (entries.length === 50) pages[page + 1] = data.next_after;
    results.replaceChildren(
      table('Audittrail', [
        { label: 'Nr.', value: (e) => String(e.sequence), rowHeader: true, class: 'num' },
        { label: 'Moment', value: (e) => timeElement(e.at_us) },
        { label: 'Wie', value: (e) => `${e.actor}${e.on_behalf_of ? ` namens ${e.on_behalf_of}` : ''}` },
        { label: 'Rol', value: (e) => roles[e.role] ?? e.role },
        { label: 'Handeling', value: (e) => `${e.method} ${e.route}` },
        { label: 'Objecten', value: (e) => h('span', { class: 'mono' }, (e.object_ids ?? []).join(', ')) },
        { label: 'Uitkomst', value: (e) => String(e.outcome) },
        { label: 'Ketenhash', value: (e) => h('span', { class: 'mono', title: e.hash }, (e.hash ?? '').slice(0, 12)) },
      ], entries, { empty: 'Geen vermeldingen.', captionHidden: true }),
      h('nav', { class: 'pager', 'aria-label': 'Pagina’s' },
        page > 0 ? button('Vorige pagina', () => load(page - 1), { kind: 'secondary' }) : null,
        h('span', {}, `Pagina ${page + 1}`),
        pages[page + 1] !== undefined ? button('Volgende pagina', () => load(page + 1), { kind: 'secondary' }) : null),
    );
  };
  const verification = h('div', { 'aria-live': 'polite' });
  const verify = async () => {
    verification.replaceChildren(notice('info', 'De keten wordt gecontroleerd…'));
    try {
      const v = await get('/v1/audit/verification');
      verification.replaceChildren(v.intact
        ? notice('ok', `De keten is heel: ${v.checked} vermeldingen gecontroleerd.`)
        : notice('error', `De keten is gebroken bij vermelding ${v.broken.sequence} (${v.broken.detail}); ${v.checked} van ${v.written} vermeldingen kloppen daarvoor.`));
    } catch (error) {
      verification.replaceChildren(notice('error', `Controleren lukte niet: ${error.message}`));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    pages.length = 1;
    load(0);
  });
  main.append(
    ...pageHeader('Audittrail', 'Elke handeling van beheerders, privacyfunctionarissen en auditors, ook het inzien.'),
    h('p', { class: 'hint' }, 'Elke vermelding bevat de hash van de vorige. De controle leest de hele keten op de server; het ankerbestand controleert ', h('code', {}, 'eenplan-service --verify-audit'), '.'),
    h('div', { class: 'filter-actions' }, button('Keten controleren', verify, { kind: 'secondary' })),
    verification,
    form,
    results,
  );
  await load(0);
}

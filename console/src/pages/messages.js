import { get, query } from '../api.js';
import { h, badge, field, fmtNumber, link, pageHeader, select, table, timeElement, button } from '../ui.js';

// Berichten: every inbound signal and outbound delivery attempt, filtered and paged on the server.
export async function messagesPage(main, params) {
  const filters = {
    direction: params.get('direction') ?? '',
    party: params.get('party') ?? '',
    type: params.get('type') ?? '',
    status: params.get('status') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    correlation_id: params.get('correlation_id') ?? '',
  };
  const input = (id, value, extra = {}) => h('input', { id, name: id, value, ...extra });
  const controls = {
    direction: select('direction', [['', 'Alle'], ['in', 'Inkomend'], ['out', 'Uitgaand']], filters.direction),
    party: input('party', filters.party),
    type: input('type', filters.type),
    status: input('status', filters.status),
    from: input('from', filters.from.slice(0, 16), { type: 'datetime-local' }),
    to: input('to', filters.to.slice(0, 16), { type: 'datetime-local' }),
    correlation_id: input('correlation_id', filters.correlation_id, { spellcheck: 'false' }),
  };
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filters' },
    field('Richting', controls.direction),
    field('Bron of ontvanger', controls.party),
    field('Type', controls.type),
    field('Status', controls.status),
    field('Vanaf', controls.from),
    field('Tot', controls.to),
    field('Correlatie-id', controls.correlation_id),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Filteren')),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const cursors = [null];
  const load = async (page) => {
    const values = Object.fromEntries(Object.entries(controls).map(([key, c]) => [key, c.value]));
    if (values.from) values.from = new Date(values.from).toISOString();
    if (values.to) values.to = new Date(values.to).toISOString();
    const data = await get(`/v1/console/messages${query({ ...values, cursor: cursors[page], limit: 50 })}`);
    if (data.next_cursor) cursors[page + 1] = data.next_cursor;
    results.replaceChildren(
      table(
        'Berichten',
        [
          { label: 'Tijd', value: (m) => timeElement(m.at), rowHeader: true },
          { label: 'Richting', value: (m) => (m.direction === 'in' ? 'in' : 'uit') },
          { label: 'Bron of ontvanger', value: (m) => m.party },
          { label: 'Type', value: (m) => m.type },
          { label: 'Status', value: (m) => badge(m.status) },
          { label: 'Duur', value: (m) => (m.latency_ms == null ? '–' : `${fmtNumber(m.latency_ms)} ms`), class: 'num' },
          {
            label: 'Correlatie-id',
            value: (m) => (m.correlation_id ? link(`/console/correlatie?id=${encodeURIComponent(m.correlation_id)}`, m.correlation_id, { class: 'mono' }) : '–'),
          },
          { label: 'Fout', value: (m) => m.error ?? '' },
        ],
        data.items ?? [],
        { empty: 'Geen berichten met deze filters.', captionHidden: true },
      ),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Pagina’s' },
        page > 0 ? button('Vorige pagina', () => load(page - 1), { kind: 'secondary' }) : null,
        h('span', {}, `Pagina ${page + 1}`),
        data.next_cursor ? button('Volgende pagina', () => load(page + 1), { kind: 'secondary' }) : null,
      ),
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    cursors.length = 1;
    const values = Object.fromEntries(Object.entries(controls).map(([key, c]) => [key, c.value]));
    history.replaceState(null, '', `/console/berichten${query(values)}`);
    load(0);
  });
  main.append(
    ...pageHeader('Berichten', 'Elk inkomend signaal en elke afleverpoging, zonder inhoud of persoonsgegevens.'),
    form,
    results,
  );
  await load(0);
}

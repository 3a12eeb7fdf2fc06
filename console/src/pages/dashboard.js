import {
  Chart,
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { get, query } from '../api.js';
import { h, fmtCount, fmtNumber, pageHeader, select, table, field } from '../ui.js';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#1d2733';
Chart.defaults.animation = false;

// Colours that keep 3:1 against white and differ for common colour blindness (Okabe–Ito, darkened).
const palette = ['#0b5fa5', '#c25400', '#1b7f5a', '#a3336d', '#6b5900', '#4c4c9d', '#8a3b12', '#2f6f8f'];

const hourFormat = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

let charts = [];

// A chart with its data as a table next to it (for screen readers, and for the suppressed cells).
function figure(id, title, description, canvasLabel, tableNode) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': canvasLabel });
  return {
    canvas,
    node: h(
      'figure',
      { class: 'card chart-card', 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title` }, title),
      description ? h('p', { class: 'hint' }, description) : null,
      h('div', { class: 'chart-box' }, canvas),
      h('details', {}, h('summary', {}, 'Toon als tabel'), tableNode),
    ),
  };
}

function tile(label, value, sub) {
  return h('div', { class: 'tile' }, h('p', { class: 'tile-label' }, label), h('p', { class: 'tile-value' }, value), sub ? h('p', { class: 'tile-sub' }, sub) : null);
}

function suppressedCell(cell, key = 'count') {
  return fmtCount(cell?.[key], cell?.suppressed && (cell?.[key] === null || cell?.[key] === undefined));
}

export async function dashboardPage(main, params) {
  for (const chart of charts) chart.destroy();
  charts = [];
  const period = params.get('periode') ?? '24u';
  const hours = { '24u': 24, '7d': 24 * 7, '30d': 24 * 30 }[period] ?? 24;
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600 * 1000);

  const periodSelect = select('periode', [['24u', 'Laatste 24 uur'], ['7d', 'Laatste 7 dagen'], ['30d', 'Laatste 30 dagen']], period);
  periodSelect.addEventListener('change', () => {
    history.replaceState(null, '', `/console/dashboard?periode=${periodSelect.value}`);
    main.replaceChildren();
    dashboardPage(main, new URLSearchParams({ periode: periodSelect.value }));
  });
  main.append(
    ...pageHeader('Dashboard', 'Alleen totalen. Aantallen onder de 10 worden niet getoond (“<10”), zodat niets naar een kind te herleiden is.'),
    h('div', { class: 'toolbar' }, field('Periode', periodSelect)),
  );

  const data = await get(`/v1/console/dashboard${query({ from: from.toISOString(), to: to.toISOString() })}`);

  // Delivery success and latency, time to plan: tiles.
  const d = data.deliveries ?? {};
  const attempts = d.attempts;
  const succeeded = d.succeeded;
  const rate = typeof attempts === 'number' && typeof succeeded === 'number' && attempts > 0 ? `${fmtNumber((100 * succeeded) / attempts, 1)}%` : '–';
  const t = data.time_to_plan_days ?? {};
  main.append(
    h(
      'section',
      { class: 'tiles', 'aria-labelledby': 'tiles-title' },
      h('h2', { id: 'tiles-title', class: 'visually-hidden' }, 'Kerncijfers'),
      tile('Afleverpogingen', fmtCount(attempts, d.suppressed), 'in deze periode'),
      tile('Geslaagd', rate, `${fmtCount(succeeded, d.suppressed)} pogingen`),
      tile('Doorlooptijd aflevering', d.p50_ms == null ? '–' : `${fmtNumber(d.p50_ms)} ms`, d.p95_ms == null ? null : `p95 ${fmtNumber(d.p95_ms)} ms`),
      tile('Van eerste zorgelijk verzuim tot plan', t.p50 == null ? '–' : `${fmtNumber(t.p50, 1)} dagen`, t.p90 == null ? `${fmtCount(t.n, t.suppressed)} plannen` : `p90 ${fmtNumber(t.p90, 1)} dagen · ${fmtCount(t.n, t.suppressed)} plannen`),
    ),
  );

  const grid = h('div', { class: 'chart-grid' });
  main.append(grid);

  // Signals per hour by source: one line per source.
  const perHour = data.signals_per_hour ?? [];
  const hoursSeen = [...new Set(perHour.map((c) => c.hour))].sort();
  const sources = [...new Set(perHour.map((c) => c.source))].sort();
  const signals = figure(
    'chart-signals',
    'Signalen per uur per bron',
    null,
    `Lijngrafiek van signalen per uur voor ${sources.length} bronnen; de tabel eronder geeft dezelfde cijfers.`,
    table('Signalen per uur per bron', [
      { label: 'Uur', value: (c) => hourFormat.format(new Date(c.hour)), rowHeader: true },
      { label: 'Bron', value: (c) => c.source },
      { label: 'Signalen', value: (c) => suppressedCell(c), class: 'num' },
    ], perHour, { empty: 'Geen signalen in deze periode.' }),
  );
  grid.append(signals.node);
  charts.push(
    new Chart(signals.canvas, {
      type: 'line',
      data: {
        labels: hoursSeen.map((x) => hourFormat.format(new Date(x))),
        datasets: sources.map((source, i) => ({
          label: source,
          data: hoursSeen.map((hour) => perHour.find((c) => c.hour === hour && c.source === source)?.count ?? null),
          borderColor: palette[i % palette.length],
          backgroundColor: palette[i % palette.length],
          spanGaps: false,
          tension: 0.2,
        })),
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: 'signalen' } } } },
    }),
  );

  // Open escalations per table and municipality.
  const escalations = data.open_escalations ?? [];
  const municipalities = [...new Set(escalations.map((c) => c.municipality))].sort();
  const tables = [...new Set(escalations.map((c) => c.table))].sort();
  const open = figure(
    'chart-escalations',
    'Open escalaties per tafel en gemeente',
    null,
    `Staafgrafiek van open escalaties voor ${municipalities.length} gemeenten; de tabel eronder geeft dezelfde cijfers.`,
    table('Open escalaties per tafel en gemeente', [
      { label: 'Gemeente', value: (c) => c.municipality, rowHeader: true },
      { label: 'Tafel', value: (c) => c.table },
      { label: 'Open', value: (c) => suppressedCell(c), class: 'num' },
    ], escalations, { empty: 'Geen open escalaties.' }),
  );
  grid.append(open.node);
  charts.push(
    new Chart(open.canvas, {
      type: 'bar',
      data: {
        labels: municipalities,
        datasets: tables.map((name, i) => ({
          label: name,
          data: municipalities.map((m) => escalations.find((c) => c.municipality === m && c.table === name)?.count ?? null),
          backgroundColor: palette[i % palette.length],
        })),
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: 'open escalaties' } } } },
    }),
  );

  // Grensverkeer: woongemeente × schoolgemeente.
  const cells = data.grensverkeer ?? [];
  const homes = [...new Set(cells.map((c) => c.woongemeente))].sort();
  const schools = [...new Set(cells.map((c) => c.schoolgemeente))].sort();
  const max = Math.max(1, ...cells.map((c) => (typeof c.pupils === 'number' ? c.pupils : 0)));
  const heat = (c) => (c == null || typeof c.pupils !== 'number' ? 'heat-0' : `heat-${Math.min(4, 1 + Math.floor((3.99 * c.pupils) / max))}`);
  main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'grens-title' },
      h('h2', { id: 'grens-title' }, 'Grensverkeer: woongemeente × schoolgemeente'),
      h('p', { class: 'hint' }, 'Per cel: leerlingen / escalaties. “<10”: minder dan tien, niet getoond.'),
      cells.length === 0
        ? h('p', { class: 'empty' }, 'Nog geen leerlingen in deze periode.')
        : h(
            'div',
            { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Grensverkeer' },
            h(
              'table',
              { class: 'matrix' },
              h('caption', { class: 'visually-hidden' }, 'Leerlingen en escalaties per woongemeente (rijen) en schoolgemeente (kolommen)'),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Woongemeente \\ schoolgemeente'), schools.map((s) => h('th', { scope: 'col' }, s)))),
              h(
                'tbody',
                {},
                homes.map((home) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, home),
                    schools.map((school) => {
                      const c = cells.find((x) => x.woongemeente === home && x.schoolgemeente === school);
                      if (!c) return h('td', { class: 'heat-0' }, '–');
                      return h('td', { class: heat(c) }, `${suppressedCell(c, 'pupils')} / ${suppressedCell(c, 'escalations')}`);
                    }),
                  ),
                ),
              ),
            ),
          ),
    ),
  );
}

// Small DOM helpers: elements are built, never parsed from strings, so nothing a server or a user
// wrote can become markup, and nothing needs an inline style or script (the CSP allows neither).

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Times: the API gives microseconds since the epoch (…_us) or RFC 3339 text.
export function toDate(value) {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return new Date(value > 1e14 ? value / 1000 : value > 1e11 ? value : value * 1000);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const timeFormat = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'medium', timeStyle: 'medium' });
const numberFormat = new Intl.NumberFormat('nl-NL');

export function fmtTime(value) {
  const date = toDate(value);
  return date ? timeFormat.format(date) : '–';
}

export function timeElement(value) {
  const date = toDate(value);
  if (!date) return '–';
  return h('time', { datetime: date.toISOString() }, timeFormat.format(date));
}

// A count the server may have suppressed (null: fewer than 10, not shown).
export function fmtCount(value, suppressed) {
  if (suppressed || value === null || value === undefined) return '<10';
  return numberFormat.format(value);
}

export function fmtNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return new Intl.NumberFormat('nl-NL', { maximumFractionDigits: digits }).format(value);
}

// A table with a caption and column headers; `columns`: [{label, value(row) -> Node|string}].
export function table(caption, columns, rows, { empty = 'Niets gevonden.', captionHidden = false } = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    // Focusable, so a keyboard can scroll a wide table sideways.
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            columns.map((c, i) => {
              const content = c.value(row);
              return i === 0 && c.rowHeader ? h('th', { scope: 'row' }, content) : h('td', { class: c.class }, content);
            }),
          ),
        ),
      ),
    ),
  );
}

const stateLabels = {
  pending: 'in wachtrij',
  delivered: 'afgeleverd',
  dead: 'mislukt',
  failed: 'mislukt',
  dead_lettered: 'mislukt',
  blocked: 'geblokkeerd',
  cancelled: 'geannuleerd',
  retry: 'mislukt, volgt opnieuw',
  succeeded: 'geslaagd',
  success: 'geslaagd',
  accepted: 'geaccepteerd',
  refused: 'geweigerd',
  open: 'open',
  resolved: 'opgelost',
  closed: 'dicht',
  half_open: 'half open',
};

export function stateLabel(state) {
  return stateLabels[state] ?? state ?? '–';
}

export function badge(state) {
  const tone =
    {
      delivered: 'ok',
      succeeded: 'ok',
      success: 'ok',
      accepted: 'ok',
      closed: 'ok',
      pending: 'wait',
      half_open: 'wait',
      blocked: 'warn',
      open: 'warn',
      dead: 'bad',
      failed: 'bad',
      dead_lettered: 'bad',
      refused: 'bad',
      retry: 'warn',
    }[state] ?? 'neutral';
  return h('span', { class: `badge badge-${tone}` }, stateLabel(state));
}

// A labelled form field; `control` is an input, select or textarea with an id.
export function field(label, control, hint) {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control,
  );
}

export function select(id, options, value) {
  return h(
    'select',
    { id, name: id },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

// The message area of a page: status (polite) or alert (errors).
export function notice(kind, text) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function errorText(error) {
  if (error?.status === 403) return 'U hebt geen rechten voor deze handeling.';
  if (error?.status === 404) return 'Niet gevonden.';
  if (error?.status === 409) return `Conflict: ${error.message}`;
  if (error?.status === 429) return 'Te veel pogingen; probeer het over een paar minuten opnieuw.';
  if (error?.status >= 500) return 'De server kon dit niet afhandelen. Probeer het later opnieuw.';
  return error?.message || 'Er ging iets mis.';
}

export function link(href, text, attributes = {}) {
  return h('a', { href, 'data-link': '', ...attributes }, text);
}

export function button(text, onclick, { kind = 'primary', type = 'button', ...rest } = {}) {
  return h('button', { type, class: `button button-${kind}`, onclick, ...rest }, text);
}

// Page header: the one h1 of the page and an optional introduction.
export function pageHeader(title, intro) {
  return [h('h1', {}, title), intro ? h('p', { class: 'intro' }, intro) : null];
}

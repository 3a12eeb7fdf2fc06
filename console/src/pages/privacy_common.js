import { h } from '../ui.js';

export const categories = [
  ['recipient_pseudonym', 'pseudoniem voor de ontvanger'],
  ['task_type', 'soort taak'],
  ['due_date', 'uiterste datum'],
  ['school', 'school'],
  ['event_date', 'datum van de gebeurtenis'],
  ['reason_code', 'redencode'],
  ['woongemeente', 'woongemeente'],
  ['absence_summary', 'verzuimoverzicht'],
  ['youth_care_involvement', 'betrokkenheid jeugdhulp'],
  ['health', 'gezondheid (bijzonder persoonsgegeven)'],
];

export const categoryLabel = (c) => categories.find(([v]) => v === c)?.[1] ?? c;

// A group of checkboxes in a fieldset with a legend.
export function checkboxes(name, legend, options, checked = []) {
  return h(
    'fieldset',
    { class: 'checks' },
    h('legend', {}, legend),
    options.map(([value, label]) =>
      h('div', { class: 'check' }, h('input', { type: 'checkbox', id: `${name}-${value}`, name, value, checked: checked.includes(value) }), h('label', { for: `${name}-${value}` }, label)),
    ),
  );
}

export const checkedValues = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);

export const today = () => new Date().toISOString().slice(0, 10);

export const list = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

import { can, download, get } from '../api.js';
import { h, button, errorText, field, notice, pageHeader, table, timeElement } from '../ui.js';

// Inzageverzoek (AVG art. 15): everything the hub holds about a pupil or family, by the hub's id.
export async function subjectAccessPage(main) {
  const id = h('input', { id: 'subject', name: 'subject', class: 'mono', spellcheck: 'false', required: true });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Inzageverzoek' }, field('Leerling- of gezin-id (van de hub)', id),
    h('button', { type: 'submit', class: 'button button-primary' }, 'Overzicht maken'));
  const results = h('div');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const subject = encodeURIComponent(id.value.trim());
    try {
      const report = await get(`/v1/privacy/subjects/${subject}/access`);
      const held = Object.entries(report.held ?? {}).map(([k, v]) => ({ k, v }));
      results.replaceChildren(
        h('h2', {}, 'Overzicht'),
        h('p', {}, `Gemaakt `, timeElement(report.generated_at_us), ` door ${report.generated_by}.`),
        table('Wat de hub bewaart', [
          { label: 'Soort', value: (r) => r.k, rowHeader: true },
          { label: 'Aantal', value: (r) => (typeof r.v === 'object' ? JSON.stringify(r.v) : String(r.v)), class: 'num' },
        ], held, { empty: 'Niets.' }),
        h('p', {}, `${report.disclosures?.length ?? 0} verstrekkingen, ${report.consents?.length ?? 0} toestemmingen, ${report.accesses?.length ?? 0} keer ingezien.`),
        h('div', { class: 'actions' },
          button('Download (JSON)', () => download(`/v1/privacy/subjects/${subject}/access`, `inzage-${id.value.trim()}.json`), { kind: 'secondary' }),
          button('Download (HTML, voor de betrokkene)', () => download(`/v1/privacy/subjects/${subject}/access?format=html`, `inzage-${id.value.trim()}.html`), { kind: 'secondary' })),
      );
    } catch (error) {
      results.replaceChildren(notice('error', errorText(error)));
    }
  });
  main.append(...pageHeader('Inzageverzoek', 'Een overzicht voor een inzageverzoek (AVG art. 15): wat er bewaard is, wat verstrekt is en wie het heeft ingezien. Het opvragen komt zelf in de audittrail.'));
  if (!can.govern()) main.append(notice('info', 'Alleen een privacyfunctionaris kan een inzageoverzicht maken.'));
  else main.append(form);
  main.append(results);
}

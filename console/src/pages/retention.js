import { can, get, post } from '../api.js';
import { h, button, errorText, notice, pageHeader, table } from '../ui.js';

// Bewaartermijnen: the retention runs (purges) with their proofs; a dry run first, then a real one.
export async function retentionPage(main) {
  const messages = h('div', { class: 'messages' });
  const body = h('div');
  const load = async () => {
    const data = await get('/v1/privacy/retention-runs');
    body.replaceChildren(
      table('Opschoonrondes', [
        { label: 'Gestart', value: (r) => r.started_at, rowHeader: true },
        { label: 'Soort', value: (r) => (r.dry_run ? 'proefronde' : 'opgeschoond') },
        { label: 'Door', value: (r) => r.requested_by },
        { label: 'Aantallen', value: (r) => Object.entries(r.counts ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ') },
        { label: 'Bewijs', value: (r) => h('span', { class: 'mono', title: r.proof }, String(r.proof ?? '').slice(0, 16)) },
      ], data.runs ?? [], { empty: 'Nog geen opschoonrondes.' }),
    );
  };
  const run = (dryRun) => async (event) => {
    event.target.disabled = true;
    try {
      await post('/v1/privacy/retention-runs', { dry_run: dryRun });
      messages.replaceChildren(notice('ok', dryRun ? 'De proefronde is klaar: zie de aantallen hieronder.' : 'De opschoonronde is uitgevoerd.'));
      await load();
    } catch (error) {
      messages.replaceChildren(notice('error', errorText(error)));
    }
    event.target.disabled = false;
  };
  main.append(...pageHeader('Bewaartermijnen', 'Gegevens waarvan de bewaartermijn verstreken is, worden opgeschoond. Elke ronde laat een bewijs achter in de audittrail.'), messages);
  if (can.govern()) main.append(h('div', { class: 'toolbar' }, button('Proefronde', run(true), { kind: 'secondary' }), button('Nu opschonen', run(false), { kind: 'danger' })));
  main.append(body);
  await load();
}

import { can, get, post } from '../api.js';
import { h, button, errorText, notice, pageHeader, table, timeElement } from '../ui.js';

// Geparkeerd: signals and plans the plan engine set aside after repeated failures, with retry.
export async function parkedPage(main) {
  const messages = h('div', { class: 'messages' });
  const body = h('div');
  const load = async () => {
    const data = await get('/v1/parked');
    const total = (data.signals?.length ?? 0) + (data.plans?.length ?? 0);
    body.replaceChildren(
      can.operate() && total > 0
        ? h('div', { class: 'toolbar' }, button(`Alle ${total} opnieuw verwerken`, async (event) => {
            event.target.disabled = true;
            try {
              const done = await post('/v1/parked/retry');
              messages.replaceChildren(notice('ok', `${done.retried} opnieuw in behandeling genomen.`));
            } catch (error) {
              messages.replaceChildren(notice('error', errorText(error)));
            }
            await load();
          }))
        : null,
      h('section', { 'aria-labelledby': 'parked-signals' }, h('h2', { id: 'parked-signals' }, 'Signalen'),
        table('Geparkeerde signalen', [
          { label: 'Signaal', value: (s) => h('span', { class: 'mono' }, s.signal_id), rowHeader: true },
          { label: 'Pogingen', value: (s) => String(s.attempts), class: 'num' },
          { label: 'Geparkeerd sinds', value: (s) => timeElement(s.parked_at_us) },
        ], data.signals ?? [], { captionHidden: true, empty: 'Geen geparkeerde signalen.' })),
      h('section', { 'aria-labelledby': 'parked-plans' }, h('h2', { id: 'parked-plans' }, 'Plannen'),
        table('Geparkeerde plannen', [
          { label: 'Plan (gezin)', value: (p) => h('span', { class: 'mono' }, p.family_id), rowHeader: true },
          { label: 'Pogingen', value: (p) => String(p.attempts), class: 'num' },
          { label: 'Geparkeerd sinds', value: (p) => timeElement(p.parked_at_us) },
        ], data.plans ?? [], { captionHidden: true, empty: 'Geen geparkeerde plannen.' })),
    );
  };
  main.append(...pageHeader('Geparkeerd', 'Signalen en plannen die na herhaalde fouten opzij zijn gezet.'), messages, body);
  await load();
}

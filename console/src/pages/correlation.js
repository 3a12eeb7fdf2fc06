import { can, get, post } from '../api.js';
import { h, badge, errorText, field, fmtNumber, notice, pageHeader, timeElement, button } from '../ui.js';
import { navigate } from '../main.js';

const decisionKinds = { escalate: 'escalatie', task: 'taak', note: 'notitie', close: 'afsluiting', deescalate: 'de-escalatie' };

// Correlatie: one signal's whole path — received, linked, decisions, tasks, every delivery attempt.
export async function correlationPage(main, params) {
  const id = params.get('id') ?? '';
  const input = h('input', { id: 'correlation', name: 'id', value: id, spellcheck: 'false', required: true, class: 'mono' });
  const form = h(
    'form',
    { class: 'inline-form', role: 'search', 'aria-label': 'Correlatie zoeken' },
    field('Correlatie-id', input),
    h('button', { type: 'submit', class: 'button button-primary' }, 'Tonen'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`/console/correlatie?id=${encodeURIComponent(input.value.trim())}`);
  });
  const messages = h('div', { class: 'messages' });
  const timeline = h('div');
  main.append(...pageHeader('Correlatie', 'De hele weg van één signaal door de hub, op correlatie-id.'), form, messages, timeline);
  if (!id) return;

  const show = async () => {
    let data;
    try {
      data = await get(`/v1/console/correlations/${encodeURIComponent(id)}`);
    } catch (error) {
      timeline.replaceChildren(notice('error', error.status === 404 ? 'Geen signaal met dit correlatie-id.' : errorText(error)));
      return;
    }
    const steps = [];
    const s = data.signal;
    if (s) {
      steps.push(step('in', 'Signaal ontvangen', s.received_at, [`${s.type} van ${s.source}`, ' ', badge(s.status)], `signaal ${s.id}`));
    }
    if (data.record) {
      steps.push(step('link', 'Gekoppeld aan een dossier', data.record.linked_at, `leerling ${data.record.pupil_id}${data.record.family_id ? `, gezin ${data.record.family_id}` : ''}`));
    }
    for (const d of data.decisions ?? []) {
      steps.push(step('decision', `Planbeslissing: ${decisionKinds[d.kind] ?? d.kind}`, d.at, [d.table ? `tafel ${d.table}` : null, d.municipality ? ` · ${d.municipality}` : null]));
    }
    for (const t of data.tasks ?? []) {
      steps.push(step('task', `Taak ${t.type} voor ${t.recipient}`, t.created_at, `taak ${t.task_id}`));
      for (const delivery of t.deliveries ?? []) {
        const attempts = delivery.attempts ?? [];
        const retry =
          can.operate() && ['dead', 'failed', 'dead_lettered', 'blocked'].includes(delivery.state)
            ? button(
                'Opnieuw versturen',
                async (event) => {
                  event.target.disabled = true;
                  try {
                    await post(`/v1/deliveries/${encodeURIComponent(delivery.delivery_id)}/retry`);
                    messages.replaceChildren(notice('ok', 'De levering staat opnieuw in de wachtrij.'));
                    await settle();
                  } catch (error) {
                    messages.replaceChildren(notice('error', errorText(error)));
                    event.target.disabled = false;
                  }
                },
                { kind: 'secondary', 'data-delivery': delivery.delivery_id },
              )
            : null;
        steps.push(
          step(
            'delivery',
            h('span', {}, 'Levering aan ', t.recipient, ' ', badge(delivery.state)),
            attempts[0]?.at ?? t.created_at,
            [
              h('span', { class: 'mono' }, delivery.delivery_id),
              attempts.length === 0
                ? h('p', { class: 'hint' }, 'Nog geen poging.')
                : h(
                    'ol',
                    { class: 'attempts' },
                    attempts.map((a, i) =>
                      h(
                        'li',
                        {},
                        `Poging ${i + 1}: `,
                        timeElement(a.at),
                        ' ',
                        badge(a.outcome),
                        a.http_status ? ` HTTP ${a.http_status}` : '',
                        a.latency_ms == null ? '' : ` · ${fmtNumber(a.latency_ms)} ms`,
                        a.error ? h('span', { class: 'error-text' }, ` · ${a.error}`) : null,
                      ),
                    ),
                  ),
              retry,
            ],
          ),
        );
      }
    }
    timeline.replaceChildren(
      h('h2', {}, 'Verloop van ', h('span', { class: 'mono' }, data.correlation_id ?? id)),
      h('ol', { class: 'timeline' }, steps),
    );
  };
  // After a retry: show the path again until the delivery has left the queue (at most ~15 s).
  const settle = async () => {
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await show();
      if (!timeline.querySelector('.badge-wait')) return;
    }
  };
  await show();
}

function step(kind, title, at, body, meta) {
  return h(
    'li',
    { class: `step step-${kind}` },
    h('div', { class: 'step-head' }, h('h3', {}, title), timeElement(at)),
    h('div', { class: 'step-body' }, body, meta ? h('p', { class: 'hint mono' }, meta) : null),
  );
}

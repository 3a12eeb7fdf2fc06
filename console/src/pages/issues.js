import { can, get, post } from '../api.js';
import { h, badge, button, errorText, field, notice, pageHeader, select, table, timeElement } from '../ui.js';

const causeLabels = {
  http_5xx: 'serverfout bij de ontvanger (HTTP 5xx)',
  http_4xx: 'verzoek geweigerd door de ontvanger (HTTP 4xx)',
  http_408: 'time-out bij de ontvanger (HTTP 408)',
  http_429: 'ontvanger is overbelast (HTTP 429)',
  circuit_open: 'ontvanger tijdelijk gepauzeerd (circuit open)',
  max_age: 'te lang niet afgeleverd',
  connection_refused: 'verbinding geweigerd',
  timeout: 'geen antwoord op tijd',
  tls: 'certificaat- of TLS-fout',
  dns: 'adres van de ontvanger onbekend',
  no_answer: 'geen antwoord',
  unknown: 'onbekende oorzaak',
};

// "blocked:<code>": held back by the privacy check (e.g. no agreement).
function causeLabel(cause) {
  if (cause?.startsWith('blocked:')) return `tegengehouden door de privacytoets (${cause.slice(8)})`;
  return causeLabels[cause] ?? cause;
}

// Storingen: failed, dead-lettered and blocked deliveries grouped per recipient and cause, with
// retry (a preview first, then run), bulk retry and cancel.
export async function issuesPage(main, params) {
  const state = params.get('state') ?? 'open';
  const stateSelect = select('state', [['open', 'Open storingen'], ['all', 'Alle storingen']], state);
  const messages = h('div', { class: 'messages' });
  const list = h('div');
  const panel = h('div');
  stateSelect.addEventListener('change', () => {
    history.replaceState(null, '', `/console/storingen?state=${stateSelect.value}`);
    load();
  });
  main.append(
    ...pageHeader('Storingen', 'Mislukte en geblokkeerde leveringen, gegroepeerd per ontvanger en oorzaak. Opnieuw versturen gaat langs dezelfde privacycontrole als de eerste keer.'),
    h('div', { class: 'toolbar' }, field('Tonen', stateSelect)),
    messages,
    panel,
    list,
  );

  const load = async () => {
    const data = await get(`/v1/console/delivery-issues?state=${encodeURIComponent(stateSelect.value)}`);
    const items = data.items ?? [];
    list.replaceChildren(
      table(
        'Storingen per ontvanger en oorzaak',
        [
          { label: 'Ontvanger', value: (i) => i.recipient, rowHeader: true },
          { label: 'Oorzaak', value: (i) => causeLabel(i.cause) },
          { label: 'Aantal', value: (i) => String(i.count), class: 'num' },
          { label: 'Eerste', value: (i) => timeElement(i.first_at) },
          { label: 'Laatste', value: (i) => timeElement(i.last_at) },
          { label: 'Status', value: (i) => badge(i.state) },
          {
            label: 'Acties',
            value: (i) =>
              can.operate() && i.state === 'open'
                ? h(
                    'div',
                    { class: 'actions' },
                    button('Opnieuw versturen…', () => preview(i), { kind: 'secondary', 'aria-label': `Opnieuw versturen: ${i.recipient}, ${causeLabel(i.cause)}` }),
                    button('Annuleren…', () => confirmCancel(i), { kind: 'danger', 'aria-label': `Annuleren: ${i.recipient}, ${causeLabel(i.cause)}` }),
                  )
                : '–',
          },
        ],
        items,
        { empty: 'Geen storingen. Alles wordt afgeleverd.', captionHidden: true },
      ),
    );
  };

  // Step 1 of a bulk retry: what would be sent again; step 2 runs it for exactly that count.
  const preview = async (issue) => {
    messages.replaceChildren();
    let plan;
    try {
      plan = await post(`/v1/console/delivery-issues/${encodeURIComponent(issue.issue_id)}/retry`, { preview: true });
    } catch (error) {
      messages.replaceChildren(notice('error', errorText(error)));
      return;
    }
    const confirm = button(`Ja, ${plan.count} opnieuw versturen`, async () => {
      confirm.disabled = true;
      try {
        const done = await post(`/v1/console/delivery-issues/${encodeURIComponent(issue.issue_id)}/retry`, {
          preview: false,
          expected_count: plan.count,
        });
        panel.replaceChildren();
        messages.replaceChildren(notice('ok', `${done.retried} leveringen staan opnieuw in de wachtrij.`));
        await load();
      } catch (error) {
        panel.replaceChildren();
        messages.replaceChildren(
          notice('error', error.status === 409 ? 'Het aantal leveringen is intussen veranderd. Bekijk de voorvertoning opnieuw.' : errorText(error)),
        );
      }
    });
    showPanel(
      `Opnieuw versturen naar ${issue.recipient}`,
      [
        h('p', {}, `${plan.count} leveringen worden opnieuw verstuurd. Elke levering wordt eerst opnieuw aan de privacyafspraken getoetst.`),
        plan.delivery_ids?.length
          ? h('details', {}, h('summary', {}, 'Welke leveringen'), h('ul', { class: 'mono' }, plan.delivery_ids.slice(0, 50).map((d) => h('li', {}, d))))
          : null,
      ],
      confirm,
    );
  };

  const confirmCancel = (issue) => {
    messages.replaceChildren();
    const confirm = button(`Ja, ${issue.count} leveringen annuleren`, async () => {
      confirm.disabled = true;
      try {
        const done = await post(`/v1/console/delivery-issues/${encodeURIComponent(issue.issue_id)}/cancel`);
        panel.replaceChildren();
        messages.replaceChildren(notice('ok', `${done.cancelled} leveringen geannuleerd.`));
        await load();
      } catch (error) {
        panel.replaceChildren();
        messages.replaceChildren(notice('error', errorText(error)));
      }
    }, { kind: 'danger' });
    showPanel(`Leveringen aan ${issue.recipient} annuleren`, h('p', {}, 'Geannuleerde leveringen worden niet meer verstuurd. Dit is niet terug te draaien.'), confirm);
  };

  const showPanel = (title, body, confirm) => {
    const heading = h('h2', { id: 'confirm-title', tabindex: '-1' }, title);
    panel.replaceChildren(
      h(
        'section',
        { class: 'card confirm', role: 'region', 'aria-labelledby': 'confirm-title' },
        heading,
        body,
        h('div', { class: 'actions' }, confirm, button('Terug', () => panel.replaceChildren(), { kind: 'quiet' })),
      ),
    );
    heading.focus();
  };

  await load();
}

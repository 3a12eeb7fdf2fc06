// The console in a real browser: Debian's Chromium (never a downloaded one) driven by
// playwright-core against the real service. Sign-in, a failed delivery found by correlation id and
// retried, a bulk retry with its preview, an agreement that unblocks a task, and axe-core on every
// page (no serious or critical violation). Writes the README's screenshots to docs/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { Hub, password, sourceDir, users } from './harness.mjs';

const assetsDir = process.env.EENPLAN_CONSOLE_ASSETS ?? path.join(sourceDir, 'console/dist');
const screenshots = process.env.EENPLAN_CONSOLE_SCREENSHOTS ?? path.join(sourceDir, 'docs/screenshots');
const pages = ['dashboard', 'berichten', 'correlatie', 'storingen', 'bronnen', 'geparkeerd', 'afspraken',
  'toestemmingen', 'verstrekkingen', 'audit', 'inzageverzoek', 'bewaartermijnen', 'register'];

let hub;
let browser;
const cspViolations = [];

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'nl-NL' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

async function signInLocally(page, user) {
  await page.goto(`${hub.url}/console/aanmelden`);
  await page.getByLabel('Gebruikersnaam').fill(user.name);
  await page.getByLabel('Wachtwoord').fill(password);
  await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

// Through the organisation's identity provider (tests/oidc/idp.js: its own login form, no consent
// page for the hub) when it is there, else with a local account.
async function signIn(page, user, idpUser) {
  if (!hub.oidc) return signInLocally(page, user);
  await page.goto(`${hub.url}/console/aanmelden`);
  await page.getByRole('link', { name: 'Aanmelden via organisatie' }).click();
  await page.waitForURL((url) => url.href.startsWith(hub.oidc.issuer));
  await page.locator('#username').fill(idpUser);
  await page.locator('#password').fill(idpUser);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.waitForURL((url) => url.href.startsWith(`${hub.url}/console/`));
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

async function axe(page, label) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
  );
}

async function failedDelivery(recipient, type, pupil) {
  const created = await hub.task(recipient, type, pupil);
  await hub.until(created.delivery_id, 'dead');
  return created;
}

describe('the console in Chromium', { timeout: 200000 }, () => {
  let pupils;
  before(async () => {
    hub = await new Hub().start({ assetsDir });
    browser = await chromium.launch({ executablePath: process.env.EENPLAN_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--lang=nl-NL'] });
    // Twelve enrolments: enough for the dashboard to show a count instead of "<10".
    pupils = [];
    for (let n = 1; n <= 12; n++) pupils.push(await hub.enrol(n));
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test('signs in through the organisation, and a wrong password is refused', async () => {
    const page = await newPage();
    await page.goto(`${hub.url}/console/aanmelden`);
    await axe(page, 'aanmelden');
    await page.getByLabel('Gebruikersnaam').fill(users.admin.name);
    await page.getByLabel('Wachtwoord').fill('niet-het-wachtwoord');
    await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'klopt niet' }).waitFor();
    await signIn(page, users.admin, 'admin1');
    assert.match(await page.locator('header').innerText(), /beheerder/);
    await page.context().close();
  });

  test('finds a failed delivery by correlation id, retries it and sees it delivered', async () => {
    await hub.receiver({ always: true, status: 503 });
    const created = await failedDelivery('gm0518-leerplicht', 'adviestafel.aanmelden', pupils[0]);
    await hub.receiver({});

    const page = await newPage();
    await signIn(page, users.admin, 'admin1');
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Berichten' }).click();
    await page.getByLabel('Correlatie-id').fill(created.correlation_id);
    await page.getByRole('button', { name: 'Filteren' }).click();
    await page.getByRole('link', { name: created.correlation_id }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Correlatie' }).waitFor();
    const retry = page.locator(`button[data-delivery="${created.delivery_id}"]`);
    await retry.click();
    await page.locator('.step-delivery .badge-ok').first().waitFor();
    assert.equal((await hub.delivery(created.delivery_id)).state, 'delivered');
    await axe(page, 'correlatie');
    await page.screenshot({ path: path.join(screenshots, 'correlatie.png'), fullPage: true });
    await page.context().close();
  });

  test('bulk-retries a group of failed deliveries after a preview', async () => {
    await hub.receiver({ always: true, status: 503 });
    const created = [];
    for (let i = 1; i <= 3; i++) created.push(await hub.task('gm0518-leerplicht', 'adviestafel.aanmelden', pupils[i]));
    for (const c of created) await hub.until(c.delivery_id, 'dead');
    await hub.receiver({});

    const page = await newPage();
    await signIn(page, users.admin, 'admin1');
    await page.goto(`${hub.url}/console/storingen`);
    const row = page.getByRole('row').filter({ hasText: 'gm0518-leerplicht' }).first();
    await row.getByRole('button', { name: /Opnieuw versturen/ }).click();
    const confirm = page.getByRole('region', { name: /Opnieuw versturen naar gm0518-leerplicht/ });
    await confirm.getByText(/3 leveringen worden opnieuw verstuurd/).waitFor();
    await axe(page, 'storingen (voorvertoning)');
    await confirm.getByRole('button', { name: /Ja, 3 opnieuw versturen/ }).click();
    await page.getByRole('status').filter({ hasText: '3 leveringen staan opnieuw in de wachtrij' }).waitFor();
    for (const c of created) await hub.until(c.delivery_id, 'delivered');
    await page.context().close();
  });

  test('an agreement made in the console lets a blocked task through', async () => {
    const blocked = await hub.task('lt-rijswijk', 'mdo.overleg', pupils[5]);
    await hub.until(blocked.delivery_id, 'blocked');

    const officer = await newPage();
    await signIn(officer, users.officer, 'privacy1');
    await officer.goto(`${hub.url}/console/afspraken`);
    assert.equal(await officer.getByRole('button', { name: /Opnieuw versturen/ }).count(), 0, 'a privacy officer retries nothing');
    await officer.getByLabel('Kenmerk').fill('jeugdhulp-rijswijk');
    await officer.getByLabel('Titel').fill('Afstemming onderwijs en jeugdhulp Rijswijk');
    await officer.getByLabel('Partijen').fill('soort:local_team');
    await officer.getByLabel('Doel').fill('jeugdhulp-afstemming');
    await officer.getByLabel('Taaktypen').fill('mdo.*');
    await officer.getByLabel('Wetsartikel').fill('Jeugdwet art. 7.4.0');
    await officer.getByLabel('Verwerking (register)').selectOption('va-jeugdhulp');
    await officer.getByRole('button', { name: 'Afspraak vastleggen' }).click();
    await officer.getByRole('status').filter({ hasText: 'jeugdhulp-rijswijk versie 1 is vastgelegd' }).waitFor();
    await officer.getByRole('row').filter({ hasText: 'jeugdhulp-rijswijk' }).first().waitFor();
    await axe(officer, 'afspraken');
    await officer.screenshot({ path: path.join(screenshots, 'afspraken.png'), fullPage: true });
    await officer.context().close();

    const admin = await newPage();
    await signIn(admin, users.admin, 'admin1');
    await admin.goto(`${hub.url}/console/correlatie?id=${encodeURIComponent(blocked.correlation_id)}`);
    await admin.locator(`button[data-delivery="${blocked.delivery_id}"]`).click();
    await admin.locator('.step-delivery .badge-ok').first().waitFor();
    assert.equal((await hub.delivery(blocked.delivery_id)).state, 'delivered');
    await admin.context().close();
  });

  test('an auditor is shown no action and checks the audit chain', async () => {
    const blocked = await hub.task('lt-rijswijk', 'thuiszitters.overleg', pupils[6]);
    await hub.until(blocked.delivery_id, 'blocked');
    const page = await newPage();
    await signIn(page, users.auditor, 'auditor1');
    await page.goto(`${hub.url}/console/storingen`);
    await page.getByRole('row').filter({ hasText: 'lt-rijswijk' }).first().waitFor();
    await page.goto(`${hub.url}/console/afspraken`);
    await page.getByRole('row').filter({ hasText: 'leerplicht-haaglanden' }).first().waitFor();
    await page.goto(`${hub.url}/console/correlatie?id=${encodeURIComponent(blocked.correlation_id)}`);
    await page.locator('.step-delivery').first().waitFor();
    assert.equal(await page.locator('button[data-delivery]').count(), 0, 'an auditor retries nothing');
    for (const name of ['storingen', 'afspraken', 'correlatie', 'geparkeerd', 'bewaartermijnen']) {
      await page.goto(`${hub.url}/console/${name}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await page.locator('main button:not([type="submit"])').count(), 0, `no action on ${name}`);
      assert.equal(await page.getByRole('button', { name: /vastleggen|Intrekken|opnieuw|Opschonen|Annuleren/i }).count(), 0, name);
    }
    // Reading is what an auditor does: the whole audit chain, checked on the server.
    await page.goto(`${hub.url}/console/audit`);
    await page.getByRole('button', { name: 'Keten controleren' }).click();
    await page.getByText(/De keten is heel: \d+ vermeldingen gecontroleerd/).waitFor();
    await page.context().close();
  });

  test('axe-core finds no serious or critical violation on any page', async () => {
    const page = await newPage();
    await signInLocally(page, users.all);
    for (const name of pages) {
      await page.goto(`${hub.url}/console/${name}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      await axe(page, name);
      if (name === 'dashboard') await page.screenshot({ path: path.join(screenshots, 'dashboard.png'), fullPage: true });
    }
    assert.deepEqual(cspViolations, [], 'the pages run under the CSP without a violation');
    await page.context().close();
  });
});

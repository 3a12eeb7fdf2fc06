// The console's shell: the session, the navigation and a page per path under /console/.
import './styles.css';
import { get, post, session, setSession } from './api.js';
import { h, errorText, notice } from './ui.js';
import { loginPage } from './pages/login.js';
import { dashboardPage } from './pages/dashboard.js';
import { messagesPage } from './pages/messages.js';
import { correlationPage } from './pages/correlation.js';
import { issuesPage } from './pages/issues.js';
import { healthPage } from './pages/health.js';
import { parkedPage } from './pages/parked.js';
import { agreementsPage } from './pages/agreements.js';
import { consentsPage } from './pages/consents.js';
import { disclosuresPage } from './pages/disclosures.js';
import { auditPage } from './pages/audit.js';
import { subjectAccessPage } from './pages/subject_access.js';
import { retentionPage } from './pages/retention.js';
import { registerPage } from './pages/register.js';

const pages = [
  { path: 'dashboard', title: 'Dashboard', group: 'Integraties', render: dashboardPage },
  { path: 'berichten', title: 'Berichten', group: 'Integraties', render: messagesPage },
  { path: 'correlatie', title: 'Correlatie', group: 'Integraties', render: correlationPage },
  { path: 'storingen', title: 'Storingen', group: 'Integraties', render: issuesPage },
  { path: 'bronnen', title: 'Bronnen en ontvangers', group: 'Integraties', render: healthPage },
  { path: 'geparkeerd', title: 'Geparkeerd', group: 'Integraties', render: parkedPage },
  { path: 'afspraken', title: 'Afspraken', group: 'Privacy', render: agreementsPage },
  { path: 'toestemmingen', title: 'Toestemmingen', group: 'Privacy', render: consentsPage },
  { path: 'verstrekkingen', title: 'Verstrekkingen', group: 'Privacy', render: disclosuresPage },
  { path: 'audit', title: 'Audittrail', group: 'Privacy', render: auditPage },
  { path: 'inzageverzoek', title: 'Inzageverzoek', group: 'Privacy', render: subjectAccessPage },
  { path: 'bewaartermijnen', title: 'Bewaartermijnen', group: 'Privacy', render: retentionPage },
  { path: 'register', title: 'Verwerkingsregister', group: 'Privacy', render: registerPage },
];

const app = document.getElementById('app');

export function navigate(path, { replace = false } = {}) {
  const url = path.startsWith('/console/') ? path : `/console/${path}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function currentPath() {
  const rest = location.pathname.replace(/^\/console\/?/, '');
  return rest.split('/')[0] || 'dashboard';
}

const roleNames = { admin: 'beheerder', privacy_officer: 'privacyfunctionaris', auditor: 'auditor' };

function shell(activePath) {
  const groups = new Map();
  for (const page of pages) {
    if (!groups.has(page.group)) groups.set(page.group, []);
    groups.get(page.group).push(page);
  }
  const nav = h(
    'nav',
    { class: 'sidebar', 'aria-label': 'Hoofdmenu' },
    [...groups].map(([group, items]) => [
      h('h2', { class: 'nav-group', id: `nav-${group.toLowerCase()}` }, group),
      h(
        'ul',
        { 'aria-labelledby': `nav-${group.toLowerCase()}` },
        items.map((page) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                href: `/console/${page.path}`,
                'data-link': '',
                'aria-current': page.path === activePath ? 'page' : null,
              },
              page.title,
            ),
          ),
        ),
      ),
    ]),
  );
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '/console/dashboard', 'data-link': '' }, 'eenplan', h('span', {}, ' console')),
    h(
      'div',
      { class: 'who' },
      h('span', {}, session.user ?? ''),
      h('span', { class: 'roles' }, session.roles.map((r) => roleNames[r] ?? r).join(', ')),
      h('button', { type: 'button', class: 'button button-quiet', onclick: logout }, 'Afmelden'),
    ),
  );
  const main = h('main', { id: 'inhoud', tabindex: '-1' });
  const footer = h(
    'footer',
    { class: 'footer' },
    h('p', {}, 'eenplan — één gezin, één plan. Alleen totalen en pseudonieme kenmerken; geen persoonsgegevens.'),
  );
  app.replaceChildren(header, h('div', { class: 'layout' }, nav, main), footer);
  return main;
}

async function logout() {
  try {
    await post('/console/api/logout');
  } catch {
    // the session may be gone already
  }
  setSession(null);
  navigate('aanmelden');
}

let renderCount = 0;

async function render() {
  const count = ++renderCount;
  const path = currentPath();
  if (path === 'aanmelden') {
    app.replaceChildren();
    const main = h('main', { id: 'inhoud', tabindex: '-1', class: 'login-main' });
    app.append(main);
    document.title = 'Aanmelden — eenplan console';
    await loginPage(main, { onSignedIn: () => navigate('dashboard', { replace: true }) });
    return;
  }
  if (!session.csrf) {
    try {
      setSession(await get('/console/api/session'));
    } catch {
      navigate('aanmelden', { replace: true });
      return;
    }
  }
  if (count !== renderCount) return;
  const page = pages.find((p) => p.path === path);
  const main = shell(page?.path);
  if (!page) {
    document.title = 'Niet gevonden — eenplan console';
    main.append(h('h1', {}, 'Pagina niet gevonden'), h('p', {}, 'Deze pagina bestaat niet.'));
    return;
  }
  document.title = `${page.title} — eenplan console`;
  try {
    await page.render(main, new URLSearchParams(location.search));
  } catch (error) {
    main.append(notice('error', errorText(error)));
  }
  if (count === renderCount && !document.activeElement?.closest('main')) main.focus({ preventScroll: true });
}

// Links inside the console change the page without a reload.
document.addEventListener('click', (event) => {
  const anchor = event.target.closest('a[data-link]');
  if (!anchor || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href'));
});
window.addEventListener('popstate', render);
window.addEventListener('eenplan:signed-out', () => {
  setSession(null);
  navigate('aanmelden', { replace: true });
});

render();

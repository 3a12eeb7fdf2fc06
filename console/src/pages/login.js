import { get, post, setSession } from '../api.js';
import { h, field, notice } from '../ui.js';

// Aanmelden: via the organisation's identity provider (OIDC) and/or a local account.
export async function loginPage(main, { onSignedIn }) {
  let config = { local_login: true, oidc: false };
  try {
    config = await get('/console/api/config');
  } catch {
    // an older service without the endpoint: a local account is all there is
  }
  const message = h('div', { class: 'messages' });
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const form = h(
    'form',
    { class: 'stack', 'aria-labelledby': 'local-login' },
    h('h2', { id: 'local-login' }, 'Met een account van deze console'),
    field('Gebruikersnaam', username),
    field('Wachtwoord', password),
    h('button', { type: 'submit', class: 'button button-primary' }, 'Aanmelden'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.replaceChildren();
    try {
      setSession(await post('/console/api/login', { username: username.value, password: password.value }));
      onSignedIn();
    } catch (error) {
      const text =
        error.status === 429
          ? 'Te veel pogingen. Wacht een paar minuten en probeer het opnieuw.'
          : error.status === 401
            ? 'De gebruikersnaam of het wachtwoord klopt niet.'
            : 'Aanmelden lukt nu niet. Probeer het later opnieuw.';
      message.append(notice('error', text));
      password.value = '';
      password.focus();
    }
  });
  const failed = new URLSearchParams(location.search).get('fout');
  if (failed) message.append(notice('error', 'Aanmelden via uw organisatie is niet gelukt. Probeer het opnieuw.'));

  main.append(
    h(
      'div',
      { class: 'login-card' },
      h('p', { class: 'brand brand-large' }, 'eenplan', h('span', {}, ' console')),
      h('h1', {}, 'Aanmelden'),
      h('p', { class: 'intro' }, 'Voor beheerders, privacyfunctionarissen en auditors van het samenwerkingsverband.'),
      h('p', { class: 'intro', lang: 'en' }, 'Welcome — sign in to monitor integrations and govern data sharing.'),
      message,
      config.oidc
        ? h(
            'div',
            { class: 'stack' },
            h('a', { class: 'button button-primary button-wide', href: '/console/oidc/login' }, 'Aanmelden via organisatie'),
          )
        : null,
      config.oidc && config.local_login ? h('p', { class: 'divider' }, 'of') : null,
      config.local_login ? form : null,
    ),
  );
}

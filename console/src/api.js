// The service's JSON API as the console uses it: the session cookie travels with every request
// (same origin), and every change carries the session's CSRF token in X-CSRF-Token.

export const session = { user: null, roles: [], csrf: null };

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function setSession(body) {
  session.user = body?.user ?? null;
  session.roles = Array.isArray(body?.roles) ? body.roles : [];
  session.csrf = body?.csrf_token ?? null;
}

export const can = {
  // admin: read and operate integrations (retry, cancel, replay).
  operate: () => session.roles.includes('admin'),
  // privacy_officer: agreements, consents, retention, subject access, the register.
  govern: () => session.roles.includes('privacy_officer'),
  // reading the audit trail and the privacy views: privacy officers and auditors.
  audit: () => session.roles.some((r) => r === 'privacy_officer' || r === 'auditor'),
};

export async function request(method, url, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !url.startsWith('/console/api/')) window.dispatchEvent(new Event('eenplan:signed-out'));
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (url) => request('GET', url);
export const post = (url, body = {}) => request('POST', url, body);

// A query string from the non-empty values of an object.
export function query(values) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

// Fetches a file (an export) with the session and hands it to the browser as a download.
export async function download(url, filename) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new ApiError(response.status, null);
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

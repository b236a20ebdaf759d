// The public API (/api/v1) with the browser's cookie session: the CSRF token from its readable cookie on
// every change, an Idempotency-Key per action, problem+json turned into ApiError.

const CSRF_COOKIE = 'kabinet_csrf';
const UNAVAILABLE = 'Сервис временно недоступен. Попробуйте ещё раз через минуту.';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || UNAVAILABLE);
    this.status = status;
    this.code = problem.code || 'unavailable';
    this.errors = problem.errors || {};
    this.problem = problem;
  }
}

function csrf() {
  const match = document.cookie.match(new RegExp(`(?:^|;\\s*)${CSRF_COOKIE}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : '';
}

/** A new key for one action: pass the same key again when the person repeats the same action. */
export const newKey = () => (crypto.randomUUID ? crypto.randomUUID()
  : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''));

/** `probe`: a 401 is an answer (who is signed in?), not a session that ended under the person's feet. */
/** The Idempotency-Key of one form's request: the same while the body is the same (a retry after a timeout or a
 * double click has one effect), a new one when the person changed something. */
export function keyPerBody() {
  let key = null;
  let last = '';
  return (body) => {
    const now = JSON.stringify(body);
    if (now !== last || !key) { key = newKey(); last = now; }
    return key;
  };
}

export async function api(method, path, body, { key, raw = false, probe = false } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    headers['X-CSRF-Token'] = csrf();
    headers['Idempotency-Key'] = key || newKey();
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { detail: 'Нет связи с сервером. Проверьте подключение к интернету.' });
  }
  if (raw && response.ok) return response;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data || { detail: UNAVAILABLE });
    if (response.status === 401 && !probe) document.dispatchEvent(new CustomEvent('kabinet:signed-out', { detail: error }));
    throw error;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);

// Social sign-in (VK ID, Яндекс ID, Госуслуги… whichever the server offers: GET /api/v1/auth/social/providers):
// POST …/start, then the browser goes to the provider; the gateway's callback brings it back to «/» (sign-in) or
// «/profile?linked=…» (a link made in the profile).

import { get, post } from '../api.js';
import { h } from '../dom.js';

// What the gateway's callback says with ?social_error=<code> when it sends a browser back (the API's own
// problem+json has the same words for apps).
const PROBLEMS = {
  social_identity_not_linked: 'Этот аккаунт не привязан к личному кабинету. Войдите по телефону, e-mail или '
    + 'логину и привяжите его в профиле.',
  social_identity_taken: 'Этот аккаунт уже привязан к другому личному кабинету.',
  social_login_cancelled: 'Вход через провайдера отменён.',
  invalid_state: 'Ссылка входа устарела или открыта в другом браузере. Начните вход заново.',
  provider_unavailable: 'Сервис входа временно недоступен. Попробуйте позже.',
};

/** The words for the callback's ?social_error=<code>; null without one. */
export function socialProblem(query) {
  const code = query.get('social_error');
  if (!code) return null;
  return PROBLEMS[code] || 'Не удалось подтвердить вход через внешний сервис. Попробуйте ещё раз.';
}

let providers;
export function socialProviders() {
  providers = providers || get('/api/v1/auth/social/providers').then((r) => r.providers || [])
    .catch((error) => { providers = undefined; throw error; });
  return providers;
}

/** Sends the browser to the provider. `purpose`: sign_in or link. */
export async function startSocial(provider, purpose, rememberMe = false) {
  const reply = await post(`/api/v1/auth/social/${encodeURIComponent(provider)}/start`,
    { purpose, remember_me: rememberMe });
  window.location.assign(reply.authorization_url);
}

/** «Войти через …» buttons under the sign-in form (nothing when the server offers no provider). */
export function socialSignIn(rememberMe = () => false) {
  const list = h('ul', { class: 'idn-social' });
  const status = h('p', { class: 'error', role: 'alert' });
  const section = h('section', { class: 'idn-social-box', 'aria-labelledby': 'social-title', hidden: true },
    h('h2', { id: 'social-title', text: 'Войти другим способом' }),
    h('p', { class: 'muted', text: 'Вход через соцсеть или Госуслуги работает, если вы заранее привязали их в профиле.' }),
    list, status);
  socialProviders().then((items) => {
    list.replaceChildren(...items.map((p) => h('li', {}, h('button', {
      type: 'button', class: 'button button--secondary', text: `Вход через ${p.title}`,
      onclick: async (event) => {
        const button = event.currentTarget;
        button.setAttribute('aria-disabled', 'true');
        status.textContent = '';
        try {
          await startSocial(p.id, 'sign_in', rememberMe());
        } catch (error) {
          status.textContent = error.message;
          button.removeAttribute('aria-disabled');
        }
      } }))));
    section.hidden = !items.length;
  }).catch(() => {});
  return section;
}

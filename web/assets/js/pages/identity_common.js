// What the identity pages share: the password field whose rules tick as one types (the rules are the server's,
// GET /api/v1/auth/password-rules; the server still decides), the code step with «Отправить код ещё раз»
// (POST /api/v1/auth/resend, waiting resend_after_seconds), and small helpers.

import { ApiError, get, post } from '../api.js';
import { h, uid } from '../dom.js';
import { alertBox, field, onSubmit, passwordField } from '../forms.js';

let rules;
function passwordRules() {
  rules = rules || get('/api/v1/auth/password-rules').catch((error) => { rules = undefined; throw error; });
  return rules;
}

function compile(pattern) {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try { return new RegExp(pattern); } catch { return null; }
  }
}

/** A new password: «Показать пароль» and the list «Требования к паролю», each rule ticked live. */
export function newPasswordField(label = 'Пароль', name = 'password') {
  const wrapper = passwordField(label, name, { autocomplete: 'new-password', required: true });
  const input = wrapper.querySelector('input');
  const listId = uid('rules');
  const list = h('ul', { class: 'idn-rules', id: listId });
  const box = h('div', { class: 'idn-rules-box' }, h('p', { class: 'idn-rules__title', text: 'Требования к паролю' }), list);
  box.hidden = true;
  input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby')} ${listId}`);
  wrapper.append(box);
  let checks = [];
  const tick = () => {
    for (const { item, regex, state } of checks) {
      const met = input.value !== '' && regex.test(input.value);
      item.classList.toggle('idn-rule--met', met);
      state.textContent = met ? ' — выполнено' : ' — не выполнено';
    }
  };
  passwordRules().then((reply) => {
    checks = (reply.rules || []).map((rule) => {
      const regex = compile(rule.pattern);
      const state = h('span', { class: 'idn-sr' });
      const item = h('li', { class: 'idn-rule' }, h('span', { class: 'idn-rule__mark', 'aria-hidden': 'true' }),
        h('span', { text: rule.title }), state);
      list.append(item);
      return regex ? { item, regex, state } : null;
    }).filter(Boolean);
    box.hidden = !checks.length;
    tick();
  }).catch(() => {});
  input.addEventListener('input', tick);
  return wrapper;
}

/** Seconds as Russians read a wait: «через 45 с». */
const seconds = (n) => `${n} с`;

/** «Отправить код ещё раз» for a registration, recovery or contact change (its id), or any `send` action. The
 * button waits `after` seconds (the server's resend_after_seconds) before it may be pressed again. */
export function resender({ challengeId, send, after = 0 }) {
  const button = h('button', { type: 'button', class: 'link', text: 'Отправить код ещё раз' });
  const wait = h('span', { class: 'muted idn-wait' });
  const status = h('p', { class: 'idn-status', role: 'status' });
  let timer = null;
  let left = 0;
  const countdown = (n) => {
    left = Math.max(0, Number(n) || 0);
    clearInterval(timer);
    const show = () => {
      if (left > 0) {
        button.setAttribute('aria-disabled', 'true');
        wait.textContent = `Новый код можно запросить через ${seconds(left)}.`;
      } else {
        button.removeAttribute('aria-disabled');
        wait.textContent = '';
        clearInterval(timer);
      }
    };
    show();
    if (left > 0) timer = setInterval(() => { left -= 1; show(); if (!button.isConnected) clearInterval(timer); }, 1000);
  };
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    status.classList.remove('error');
    try {
      const reply = send ? await send() : await post('/api/v1/auth/resend', { challenge_id: challengeId });
      status.textContent = reply?.detail || 'Мы отправили код ещё раз.';
      countdown(reply?.resend_after_seconds);
    } catch (error) {
      status.classList.add('error');
      status.textContent = error.message;
      button.removeAttribute('aria-disabled');
    }
  });
  countdown(after);
  return h('div', { class: 'idn-resend' }, h('p', {}, button, ' ', wait), status);
}

/** The step «Введите код»: the server's words on where the code went, the code field, the submit button and
 * «Отправить код ещё раз». `confirm(values)` does the rest. */
export function codeForm({ detail, challengeId, send, after, submit = 'Подтвердить', extra = [], confirm, note }) {
  const form = h('form', { class: 'form idn-form', novalidate: true },
    detail ? h('p', { class: 'idn-sent', text: detail }) : null,
    note ? h('p', { class: 'muted', text: note }) : null,
    alertBox(),
    field('Код из сообщения', 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', required: true,
      maxlength: 12 }),
    extra,
    h('button', { type: 'submit', class: 'button', text: submit }));
  form.append(resender({ challengeId, send, after }));
  onSubmit(form, confirm);
  return form;
}

/** A success message that screen readers announce. */
export function success(text) {
  return h('p', { class: 'success', role: 'status', text });
}

/** `next` from the query when it stays on this site. */
export function safeNext(query, fallback = '/') {
  const next = query.get('next') || fallback;
  return next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

/** Moves focus to the page's heading (after a step changes the page's content). */
export function focusHeading(main) {
  const title = main.querySelector('h1');
  if (title) title.focus();
}

/** Two typed passwords that differ: said next to the second one, before asking the server. */
export function mismatch(name = 'repeat') {
  return new ApiError(0, { detail: 'Пароли не совпадают.', errors: { [name]: 'Пароли не совпадают.' } });
}

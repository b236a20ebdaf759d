// «Вход»: phone, e-mail or login and the password; «Запомнить меня»; a captcha when the server asks for one;
// the step-up code when the server sent one; «Забыли пароль?»; social sign-in (identity_social.js); an
// organization that has not filled «Давайте познакомимся» goes there first.

import { post } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, captcha, checkbox, field, onSubmit, passwordField } from '../forms.js';
import { navigate } from '../router.js';
import { forget } from '../session.js';
import { resender } from './identity_common.js';
import { socialProblem, socialSignIn } from './identity_social.js';

function safeNext(query) {
  const next = query.get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Where a signed-in customer goes: «Давайте познакомимся» first when the server still asks for it. */
function afterSignIn(tokens, next) {
  if (!tokens || !tokens.onboarding_required || next.startsWith('/onboarding')) return next;
  return next === '/' ? '/onboarding' : `/onboarding?next=${encodeURIComponent(next)}`;
}

function stepUpForm(main, reply, next, rememberMe) {
  const form = h('form', { class: 'form', novalidate: true },
    h('p', { text: reply.detail }),
    alertBox(),
    field('Код из сообщения', 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', required: true }),
    h('button', { type: 'submit', class: 'button', text: 'Войти' }),
    resender({ challengeId: reply.step_up_id, after: reply.resend_after_seconds }));
  onSubmit(form, async (v) => {
    const tokens = await post('/api/v1/auth/login/confirm', { step_up_id: reply.step_up_id, code: v.code || '',
      remember_me: rememberMe, session: 'cookie' });
    forget();
    await navigate(afterSignIn(tokens, next), { replace: true });
  });
  main.replaceChildren(heading('Подтверждение входа'), form);
  form.querySelector('input').focus();
}

export default {
  title: 'Вход',
  guest: true,
  render(main, _params, query) {
    const next = safeNext(query);
    let challenge = null;
    const form = h('form', { class: 'form', novalidate: true },
      alertBox(),
      field('Телефон, e-mail или логин', 'identifier', { autocomplete: 'username', required: true }),
      passwordField('Пароль', 'password', { required: true }),
      checkbox('Запомнить меня', 'remember_me'),
      h('div', { class: 'captcha-slot' }),
      h('button', { type: 'submit', class: 'button', text: 'Войти' }));
    onSubmit(form, async (v) => {
      try {
        const response = await post('/api/v1/auth/login', { ...v, session: 'cookie' }, { raw: true });
        const reply = await response.json();
        forget();
        if (response.status === 202) return stepUpForm(main, reply, next, Boolean(v.remember_me));
        return navigate(afterSignIn(reply, next), { replace: true });
      } catch (error) {
        if (error.code === 'captcha_required' || error.code === 'captcha_invalid') {
          if (!challenge) {
            challenge = captcha();
            form.querySelector('.captcha-slot').append(challenge);
          } else {
            challenge.reload();
          }
        }
        throw error;
      }
    });
    const social = socialProblem(query);
    fill(main, heading('Вход в личный кабинет'),
      social ? h('p', { class: 'alert', role: 'alert', text: social }) : null, form,
      h('p', {}, h('a', { href: '/recovery', text: 'Забыли пароль?' })),
      h('p', {}, 'Нет кабинета? ', h('a', { href: '/register', text: 'Зарегистрироваться' })),
      socialSignIn(() => form.querySelector('input[name="remember_me"]').checked));
  },
};

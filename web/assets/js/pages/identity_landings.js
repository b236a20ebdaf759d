// The pages the e-mails link to: /auth/confirm?token=… (a registration or a new e-mail confirmed, POST
// /api/v1/auth/confirm-link) and /auth/recovery?token=… (a new password, POST /api/v1/auth/recovery/confirm).

import { post } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, onSubmit, passwordField } from '../forms.js';
import { me } from '../session.js';
import { focusHeading, mismatch, newPasswordField, success } from './identity_common.js';

const BROKEN = 'В ссылке нет кода подтверждения. Откройте ссылку из письма целиком или скопируйте её в адресную строку.';

function failure(text) {
  return h('p', { class: 'alert', role: 'alert', text });
}

export const confirmLanding = {
  title: 'Подтверждение адреса',
  guest: true,
  async render(main, _params, query) {
    const token = query.get('token');
    if (!token) {
      fill(main, heading('Подтверждение адреса'), failure(BROKEN));
      return;
    }
    fill(main, heading('Подтверждение адреса'), h('p', { class: 'loading', text: 'Проверяем ссылку…' }));
    let reply;
    try {
      reply = await post('/api/v1/auth/confirm-link', { token });
    } catch (error) {
      main.replaceChildren(heading('Подтверждение адреса'), failure(error.message),
        h('p', {}, 'Если письмо устарело, войдите и запросите новое в профиле или ',
          h('a', { href: '/register', text: 'зарегистрируйтесь заново' }), '.'));
      return;
    }
    const user = await me().catch(() => null);
    const registration = reply.purpose === 'registration';
    const next = user ? [h('a', { class: 'button', href: registration && reply.onboarding_required ? '/onboarding' : '/profile',
      text: registration ? 'Перейти в личный кабинет' : 'Вернуться в профиль' })]
      : [h('a', { class: 'button', href: '/login',
        text: 'Войти в личный кабинет' })];
    main.replaceChildren(heading(registration ? 'Регистрация завершена' : 'Адрес подтверждён'),
      success(registration ? 'Адрес электронной почты подтверждён, регистрация завершена.' : reply.detail),
      reply.login_taken ? h('p', { text: 'Выбранный логин успел занять другой пользователь: выберите другой в профиле.' }) : null,
      registration && reply.onboarding_required
        ? h('p', { text: 'После входа заполните анкету «Давайте познакомимся»: без неё кабинет организации не откроется.' }) : null,
      h('p', {}, ...next));
    focusHeading(main);
  },
};

export const recoveryLanding = {
  title: 'Новый пароль',
  guest: true,
  render(main, _params, query) {
    const token = query.get('token');
    if (!token) {
      fill(main, heading('Новый пароль'), failure(BROKEN),
        h('p', {}, h('a', { href: '/recovery', text: 'Восстановить пароль заново' })));
      return;
    }
    const form = h('form', { class: 'form idn-form', novalidate: true },
      alertBox(),
      newPasswordField('Новый пароль', 'new_password'),
      passwordField('Повторите новый пароль', 'repeat', { autocomplete: 'new-password', required: true }),
      h('button', { type: 'submit', class: 'button', text: 'Сохранить пароль' }));
    onSubmit(form, async (v) => {
      if ((v.repeat || '') !== (v.new_password || '')) {
        throw mismatch();
      }
      await post('/api/v1/auth/recovery/confirm', { link_token: token, new_password: v.new_password || '' });
      main.replaceChildren(heading('Пароль изменён'),
        success('Пароль изменён. Все открытые сеансы завершены — войдите с новым паролем.'),
        h('p', {}, h('a', { class: 'button', href: '/login', text: 'Войти в личный кабинет' })));
      focusHeading(main);
    });
    fill(main, heading('Новый пароль'), h('p', { text: 'Придумайте новый пароль для входа в личный кабинет.' }), form);
  },
};

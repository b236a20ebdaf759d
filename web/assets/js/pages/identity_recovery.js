// «Восстановление пароля»: the phone, e-mail or login and the captcha (POST /api/v1/auth/recovery), then the code
// with a new password (POST /api/v1/auth/recovery/confirm) and «Отправить код ещё раз».

import { post } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, captcha, field, onSubmit, passwordField } from '../forms.js';
import { codeForm, focusHeading, mismatch, newPasswordField, success } from './identity_common.js';

function codeStep(main, reply) {
  const form = codeForm({
    detail: reply.detail,
    note: reply.channel === 'sms' ? null : 'Если пришло письмо, можно также перейти по ссылке из него.',
    challengeId: reply.recovery_id,
    after: reply.resend_after_seconds,
    submit: 'Сохранить пароль',
    extra: [newPasswordField('Новый пароль', 'new_password'),
      passwordField('Повторите новый пароль', 'repeat', { autocomplete: 'new-password', required: true })],
    confirm: async (v) => {
      if ((v.repeat || '') !== (v.new_password || '')) throw mismatch();
      await post('/api/v1/auth/recovery/confirm', { recovery_id: reply.recovery_id, code: v.code || '',
        new_password: v.new_password || '' });
      main.replaceChildren(heading('Пароль изменён'),
        success('Пароль изменён. Все открытые сеансы завершены — войдите с новым паролем.'),
        h('p', {}, h('a', { class: 'button', href: '/login', text: 'Войти в личный кабинет' })));
      focusHeading(main);
    },
  });
  main.replaceChildren(heading('Новый пароль'), form,
    h('p', {}, h('a', { href: '/recovery', text: 'Начать восстановление заново' })));
  form.querySelector('input[name="code"]').focus();
}

export default {
  title: 'Восстановление пароля',
  guest: true,
  render(main) {
    const challenge = captcha();
    const form = h('form', { class: 'form idn-form', novalidate: true },
      alertBox(),
      field('Телефон, e-mail или логин', 'identifier', { autocomplete: 'username', required: true },
        'Укажите то, что вы указывали при регистрации.'),
      challenge,
      h('button', { type: 'submit', class: 'button', text: 'Восстановить пароль' }));
    onSubmit(form, async (v) => {
      try {
        codeStep(main, await post('/api/v1/auth/recovery', v));
      } catch (error) {
        challenge.reload().catch(() => {});
        throw error;
      }
    });
    fill(main, heading('Восстановление пароля'),
      h('p', { text: 'Мы отправим код в SMS или письмо со ссылкой для смены пароля.' }),
      form,
      h('p', {}, h('a', { href: '/login', text: 'Вернуться ко входу' })));
  },
};

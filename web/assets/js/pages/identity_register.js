// «Регистрация»: a person or an organization, by phone or e-mail, the password with its rules ticking live, the
// user agreement, the captcha; then the code (POST /api/v1/auth/register/confirm) with «Отправить код ещё раз»,
// and the first sign-in with the password just chosen, on to «Давайте познакомимся».

import { post } from '../api.js';
import { fill, h, heading, uid } from '../dom.js';
import { alertBox, captcha, checkbox, field, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { forget } from '../session.js';
import { codeForm, focusHeading, newPasswordField, success } from './identity_common.js';

function radio(name, value, label, checked = false) {
  const id = uid(`${name}-${value}`);
  return h('span', { class: 'check' },
    h('input', { type: 'radio', id, name, value, checked }), h('label', { for: id, text: label }));
}

function choice(legend, name, options, hint) {
  const hintId = hint ? uid(`${name}-hint`) : null;
  return h('fieldset', { class: 'idn-choice', 'aria-describedby': hintId },
    h('legend', { text: legend }),
    hint ? h('p', { class: 'hint', id: hintId, text: hint }) : null,
    options);
}

/** After the code: sign in with the password just chosen (the person typed it a minute ago), then «Давайте
 * познакомимся». If the sign-in asks for more (a captcha), the person signs in on /login. */
async function firstSignIn(main, identifier, password, reply) {
  const taken = reply.login_taken ? ' Выбранный логин успел занять другой пользователь: выберите другой в профиле.' : '';
  try {
    const tokens = await post('/api/v1/auth/login', { identifier, password, session: 'cookie' });
    forget();
    sessionStorage.setItem('kabinet.welcome', `Регистрация завершена, вы вошли в личный кабинет.${taken}`);
    return navigate(tokens?.onboarding_required ? '/onboarding' : '/onboarding?first=1', { replace: true });
  } catch {
    main.replaceChildren(heading('Регистрация завершена'), success(`${reply.detail || 'Регистрация завершена.'}${taken}`),
      h('p', {}, h('a', { class: 'button', href: '/login', text: 'Войти в личный кабинет' })));
    return focusHeading(main);
  }
}

function codeStep(main, reply, sent) {
  const form = codeForm({
    detail: reply.detail,
    note: sent.email ? 'Можно также перейти по ссылке из письма.' : null,
    challengeId: reply.registration_id,
    confirm: async (v) => {
      const done = await post('/api/v1/auth/register/confirm', { registration_id: reply.registration_id, code: v.code || '' });
      await firstSignIn(main, sent.phone || sent.email, sent.password, done);
    },
  });
  main.replaceChildren(heading('Подтверждение регистрации'),
    h('p', {}, `Введите код, отправленный на ${sent.phone || sent.email}, чтобы завершить регистрацию.`),
    form,
    h('p', {}, h('a', { href: '/register', text: 'Изменить данные регистрации' })));
  form.querySelector('input[name="code"]').focus();
}

export default {
  title: 'Регистрация',
  guest: true,
  render(main) {
    const phone = field('Номер мобильного телефона', 'phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel',
      required: true }, 'Например, +7 912 345-67-89');
    const email = field('Адрес электронной почты', 'email', { type: 'email', autocomplete: 'email', required: true });
    const challenge = captcha();
    const form = h('form', { class: 'form idn-form', novalidate: true },
      alertBox(),
      choice('Кто регистрируется', 'kind', [radio('kind', 'person', 'Физическое лицо', true),
        radio('kind', 'organization', 'Юридическое лицо или ИП')]),
      choice('Как вы будете входить', 'way', [radio('way', 'phone', 'По телефону', true),
        radio('way', 'email', 'По e-mail')], 'Организации регистрируются по адресу электронной почты.'),
      phone, email,
      field('Логин (необязательно)', 'login', { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' },
        'Латинские буквы, цифры, точка, дефис или подчёркивание. Логин нельзя будет изменить.'),
      newPasswordField('Пароль', 'password'),
      h('div', { class: 'idn-consent' },
        checkbox('Я принимаю пользовательское соглашение', 'terms_accepted', { required: true }),
        h('p', { class: 'idn-consent__link' }, h('a', { href: '/terms', target: '_blank', rel: 'noopener',
          text: 'Пользовательское соглашение (откроется в новой вкладке)' })),
        h('p', { class: 'error', id: 'terms-error' })),
      h('div', {}, checkbox('Я согласен получать рекламную рассылку', 'marketing_consent', { checked: true })),
      challenge,
      h('button', { type: 'submit', class: 'button', text: 'Зарегистрироваться' }));
    // the consent's error goes under the checkbox: forms.js finds «<id>-error» next to the input
    const terms = form.querySelector('input[name="terms_accepted"]');
    form.querySelector('#terms-error').id = `${terms.id}-error`;
    terms.setAttribute('aria-describedby', `${terms.id}-error`);

    const show = () => {
      const byEmail = form.querySelector('input[name="way"]:checked').value === 'email';
      phone.hidden = byEmail;
      email.hidden = !byEmail;
      phone.querySelector('input').disabled = byEmail;
      email.querySelector('input').disabled = !byEmail;
    };
    form.addEventListener('change', (event) => {
      if (event.target.name === 'kind' && event.target.value === 'organization') {
        form.querySelector('input[name="way"][value="email"]').checked = true;
      }
      if (event.target.name === 'kind' || event.target.name === 'way') show();
    });
    show();

    onSubmit(form, async (v) => {
      const { way, ...body } = v;
      const sent = { phone: body.phone, email: body.email, password: body.password };
      try {
        const reply = await post('/api/v1/auth/register', body);
        codeStep(main, reply, sent);
      } catch (error) {
        challenge.reload().catch(() => {}); // a captcha is good for one attempt
        throw error;
      }
    });
    fill(main, heading('Регистрация'),
      h('p', {}, 'Уже зарегистрированы? ', h('a', { href: '/login', text: 'Войти в личный кабинет' })),
      form);
  },
};

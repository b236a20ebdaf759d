// «Давайте познакомимся»: surname, first name, patronymic (and an organization's contact phone) — PATCH
// /api/v1/me. An organization must complete it before anything else (the API answers 403 onboarding_required
// meanwhile); then the tokens are refreshed (POST /api/v1/auth/refresh) to drop the flag.

import { ApiError, api, post } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, field, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { forget, me } from '../session.js';
import { safeNext, success } from './identity_common.js';

export default {
  title: 'Давайте познакомимся',
  async render(main, _params, query) {
    const user = await me();
    const organization = user.kind === 'organization';
    const required = Boolean(user.onboarding_required);
    const next = safeNext(query);
    const welcome = sessionStorage.getItem('kabinet.welcome');
    sessionStorage.removeItem('kabinet.welcome');
    const form = h('form', { class: 'form idn-form', novalidate: true },
      alertBox(),
      field('Фамилия', 'surname', { autocomplete: 'family-name', required: true, value: user.surname || '' }),
      field('Имя', 'first_name', { autocomplete: 'given-name', required: true, value: user.first_name || '' }),
      field('Отчество (если есть)', 'patronymic', { autocomplete: 'additional-name', value: user.patronymic || '' }),
      organization ? field('Контактный телефон', 'contact_phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel',
        required: true, value: user.contact_phone || '' }, 'Телефон для связи с представителем организации.') : null,
      h('p', { class: 'idn-actions' },
        h('button', { type: 'submit', class: 'button', text: 'Сохранить и продолжить' }),
        required ? null : h('a', { class: 'button button--secondary', href: next, text: 'Заполнить позже' })));
    onSubmit(form, async (v) => {
      const body = { surname: v.surname || '', first_name: v.first_name || '' };
      if (v.patronymic) body.patronymic = v.patronymic;
      if (organization) body.contact_phone = v.contact_phone || '';
      const profile = await api('PATCH', '/api/v1/me', body);
      if (profile.onboarding_required) {
        throw new ApiError(0, { detail: 'Заполните все обязательные поля: фамилию, имя и контактный телефон.' });
      }
      if (required && !profile.onboarding_required) {
        // the session's tokens still carry the onboarding flag until they are refreshed
        await post('/api/v1/auth/refresh').catch(() => {});
      }
      forget();
      await navigate(next, { replace: true });
    });
    fill(main, heading('Давайте познакомимся'),
      welcome ? success(welcome) : null,
      h('p', { text: required
        ? 'Чтобы продолжить работу в личном кабинете организации, заполните обязательные поля.'
        : 'Расскажите, как к вам обращаться. Это можно сделать и позже, в профиле.' }),
      form);
  },
};

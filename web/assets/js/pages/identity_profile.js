// «Профиль»: the main data (names, login, consent — PATCH /api/v1/me), the phone and e-mail (a change confirmed
// by a code: POST /api/v1/me/contact, …/confirm; the e-mail confirmation sent again), the password
// (POST /api/v1/me/password), the sessions (list, end one, end all others) and the linked sign-ins (link,
// unlink).

import { api, get, post } from '../api.js';
import { fill, h, heading, moment } from '../dom.js';
import { alertBox, checkbox, field, onSubmit, passwordField } from '../forms.js';
import { forget } from '../session.js';
import { codeForm, mismatch, newPasswordField, success } from './identity_common.js';
import { socialProblem, socialProviders, startSocial } from './identity_social.js';

const KIND = { person: 'Физическое лицо', organization: 'Юридическое лицо или ИП' };
const METHOD = { password: 'вход по паролю', code: 'вход по паролю и коду', social: 'вход через соцсеть' };

function section(id, title, ...children) {
  return h('section', { class: 'idn-section', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title`, tabindex: '-1', text: title }), ...children);
}

/** A message in a section's live slot (replaced by the next one). */
function say(slot, text, ok = true) {
  slot.replaceChildren(ok ? success(text) : h('p', { class: 'alert', text }));
}

// --- main data ---
function mainData(user, onSaved) {
  const slot = h('div', { class: 'idn-slot', 'aria-live': 'polite' });
  const form = h('form', { class: 'form idn-form', novalidate: true },
    alertBox(),
    h('p', {}, h('span', { class: 'muted', text: 'Тип пользователя: ' }), KIND[user.kind] || user.kind),
    field('Фамилия', 'surname', { autocomplete: 'family-name', value: user.surname || '' }),
    field('Имя', 'first_name', { autocomplete: 'given-name', value: user.first_name || '' }),
    field('Отчество', 'patronymic', { autocomplete: 'additional-name', value: user.patronymic || '' }),
    user.kind === 'organization' ? field('Контактный телефон', 'contact_phone', { type: 'tel', autocomplete: 'tel',
      inputmode: 'tel', value: user.contact_phone || '' }) : null,
    user.login ? h('p', {}, h('span', { class: 'muted', text: 'Логин: ' }), h('strong', { text: user.login }),
      h('span', { class: 'muted', text: ' (логин изменить нельзя)' }))
      : field('Логин (необязательно)', 'login', { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' },
        'Его можно выбрать один раз: изменить логин потом нельзя.'),
    h('div', {}, checkbox('Я согласен получать рекламную рассылку', 'marketing_consent', { checked: user.marketing_consent })),
    h('button', { type: 'submit', class: 'button', text: 'Сохранить' }));
  onSubmit(form, async (v) => {
    slot.replaceChildren();
    // only what changed: an untouched empty name stays empty (an emptied patronymic is cleared)
    const body = {};
    for (const name of ['surname', 'first_name', 'patronymic', 'contact_phone', 'login']) {
      const input = form.querySelector(`input[name="${name}"]`);
      if (input && (v[name] || '') !== (user[name] || '')) body[name] = v[name] || '';
    }
    if (Boolean(v.marketing_consent) !== Boolean(user.marketing_consent)) body.marketing_consent = Boolean(v.marketing_consent);
    const profile = await api('PATCH', '/api/v1/me', body);
    forget();
    onSaved(profile, 'Данные сохранены.');
  });
  return [slot, form];
}

// --- phone and e-mail ---
function verified(ok) {
  return h('span', { class: ok ? 'idn-ok' : 'idn-no', text: ok ? 'подтверждён' : 'не подтверждён' });
}

function contacts(user, onSaved) {
  const slot = h('div', { class: 'idn-slot', 'aria-live': 'polite' });
  const work = h('div', { class: 'idn-work' });
  const resendMail = h('button', { type: 'button', class: 'link', text: 'Отправить письмо подтверждения ещё раз' });
  resendMail.addEventListener('click', async () => {
    try {
      say(slot, (await post('/api/v1/me/email/resend')).detail || 'Мы отправили письмо ещё раз.');
    } catch (error) {
      say(slot, error.message, false);
    }
  });
  const list = h('dl', { class: 'idn-facts' },
    h('dt', { text: 'Телефон' }),
    h('dd', {}, user.phone ? [user.phone, ' — ', verified(user.phone_verified)] : 'не указан',
      user.pending_phone ? h('span', { class: 'idn-pending', text: ` Ожидает подтверждения: ${user.pending_phone}` }) : null),
    h('dt', { text: 'Электронная почта' }),
    h('dd', {}, user.email ? [user.email, ' — ', verified(user.email_verified)] : 'не указана',
      user.pending_email ? h('span', { class: 'idn-pending', text: ` Ожидает подтверждения: ${user.pending_email}` }) : null,
      user.email && !user.email_verified ? h('span', { class: 'idn-inline' }, ' ', resendMail) : null));

  const start = (channel) => {
    const phone = channel === 'phone';
    const form = h('form', { class: 'form idn-form idn-subform', novalidate: true },
      h('h3', { text: phone ? 'Новый телефон' : 'Новый адрес электронной почты' }),
      alertBox(),
      phone ? field('Новый номер мобильного телефона', 'phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true })
        : field('Новый адрес электронной почты', 'email', { type: 'email', autocomplete: 'email', required: true }),
      passwordField('Текущий пароль', 'password', { required: true }),
      h('p', { class: 'idn-actions' }, h('button', { type: 'submit', class: 'button', text: 'Получить код' }),
        h('button', { type: 'button', class: 'button button--secondary', text: 'Отмена', onclick: () => { work.replaceChildren(); } })));
    onSubmit(form, async (v) => {
      const reply = await post('/api/v1/me/contact', phone ? { phone: v.phone, password: v.password || '' }
        : { email: v.email, password: v.password || '' });
      const confirm = codeForm({
        detail: reply.detail, challengeId: reply.change_id, after: reply.resend_after_seconds,
        note: phone ? null : 'Можно также перейти по ссылке из письма.',
        submit: 'Подтвердить',
        confirm: async (c) => {
          const profile = await post('/api/v1/me/contact/confirm', { change_id: reply.change_id, code: c.code || '' });
          forget();
          onSaved(profile, phone ? 'Телефон изменён.' : 'Адрес электронной почты изменён.');
        },
      });
      work.replaceChildren(h('h3', { text: phone ? 'Подтверждение телефона' : 'Подтверждение адреса' }), confirm);
      confirm.querySelector('input[name="code"]').focus();
    });
    work.replaceChildren(form);
    form.querySelector('input').focus();
  };
  return [slot, list,
    h('p', { class: 'idn-actions' },
      h('button', { type: 'button', class: 'button button--secondary', text: 'Сменить телефон', onclick: () => start('phone') }),
      h('button', { type: 'button', class: 'button button--secondary', text: 'Сменить e-mail', onclick: () => start('email') })),
    work];
}

// --- password ---
function password(onChanged) {
  const slot = h('div', { class: 'idn-slot', 'aria-live': 'polite' });
  const form = h('form', { class: 'form idn-form', novalidate: true },
    alertBox(),
    passwordField('Текущий пароль', 'old_password', { required: true }),
    newPasswordField('Новый пароль', 'new_password'),
    passwordField('Повторите новый пароль', 'repeat', { autocomplete: 'new-password', required: true }),
    h('div', {}, checkbox('Завершить все другие сеансы', 'end_other_sessions', { checked: true })),
    h('button', { type: 'submit', class: 'button', text: 'Сменить пароль' }));
  onSubmit(form, async (v) => {
    slot.replaceChildren();
    if ((v.repeat || '') !== (v.new_password || '')) throw mismatch();
    const reply = await post('/api/v1/me/password', { old_password: v.old_password || '',
      new_password: v.new_password || '', end_other_sessions: Boolean(v.end_other_sessions) });
    form.reset();
    form.querySelectorAll('input[name="new_password"]').forEach((input) => input.dispatchEvent(new Event('input')));
    say(slot, [reply.detail || 'Пароль изменён.',
      reply.sessions_ended ? `Завершено других сеансов: ${reply.sessions_ended}.` : ''].filter(Boolean).join(' '));
    if (reply.sessions_ended) await onChanged();
  });
  return [slot, form];
}

// --- sessions ---
/** A User-Agent as a person recognises it: «Chrome, Windows». */
export function deviceName(agent = '') {
  const browser = [['YaBrowser', 'Яндекс Браузер'], ['Edg', 'Edge'], ['OPR', 'Opera'], ['Firefox', 'Firefox'],
    ['Chrome', 'Chrome'], ['Safari', 'Safari']].find(([token]) => agent.includes(`${token}/`));
  const system = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'],
    ['Mac OS X', 'macOS'], ['Linux', 'Linux']].find(([token]) => agent.includes(token));
  const name = [browser && browser[1], system && system[1]].filter(Boolean).join(', ');
  return name || (agent ? 'Приложение или другое устройство' : 'Неизвестное устройство');
}

function sessions(list, reload) {
  const slot = h('div', { class: 'idn-slot', 'aria-live': 'polite' });
  const end = async (s) => {
    await api('DELETE', `/api/v1/me/sessions/${encodeURIComponent(s.session_id)}`);
  };
  const others = list.filter((s) => !s.current);
  const items = list.map((s) => {
    const name = deviceName(s.device);
    const when = moment(s.last_used_at || s.created_at);
    const button = s.current ? null : h('button', { type: 'button', class: 'button button--small button--secondary',
      'aria-label': `Завершить сеанс: ${name}, ${when}`, text: 'Завершить сеанс' });
    button?.addEventListener('click', async () => {
      try {
        await end(s);
        await reload('Сеанс завершён.');
      } catch (error) {
        say(slot, error.message, false);
      }
    });
    return h('li', { class: 'card idn-session' },
      h('h3', { class: 'card__title' }, name, s.current ? h('span', { class: 'idn-badge', text: 'это устройство' }) : null),
      h('dl', { class: 'idn-facts' },
        h('dt', { text: 'Вход' }), h('dd', { text: `${moment(s.created_at)}${METHOD[s.method] ? `, ${METHOD[s.method]}` : ''}` }),
        h('dt', { text: 'Последняя активность' }), h('dd', { text: when }),
        s.ip ? [h('dt', { text: 'IP-адрес' }), h('dd', { text: s.ip })] : null,
        h('dt', { text: 'Запомнить меня' }), h('dd', { text: s.remember_me ? 'да' : 'нет' })),
      button ? h('p', { class: 'card__actions' }, button) : null);
  });
  const all = others.length ? h('button', { type: 'button', class: 'button', text: 'Завершить все другие сеансы' }) : null;
  all?.addEventListener('click', async () => {
    all.setAttribute('aria-disabled', 'true');
    try {
      for (const s of others) await end(s);
      await reload(`Завершено других сеансов: ${others.length}.`);
    } catch (error) {
      all.removeAttribute('aria-disabled');
      say(slot, error.message, false);
    }
  });
  return [slot, h('ul', { class: 'cards idn-sessions' }, items),
    all ? h('p', { class: 'idn-actions' }, all) : h('p', { class: 'muted', text: 'Других открытых сеансов нет.' })];
}

// --- linked sign-ins ---
function social(providers, identities, reload, linked, failed) {
  const slot = h('div', { class: 'idn-slot', 'aria-live': 'polite' });
  const title = (id) => (providers.find((p) => p.id === id) || {}).title || id;
  if (linked) slot.append(success(`Вход через ${title(linked)} привязан к профилю.`));
  if (failed) say(slot, failed, false);
  const taken = new Set(identities.map((i) => i.provider));
  const linkedList = identities.length ? h('ul', { class: 'list idn-linked' }, identities.map((i) => {
    const button = h('button', { type: 'button', class: 'button button--small button--secondary',
      text: `Отвязать ${title(i.provider)}` });
    button.addEventListener('click', async () => {
      try {
        await api('DELETE', `/api/v1/me/social/${encodeURIComponent(i.identity_id)}`);
        await reload(`Вход через ${title(i.provider)} отвязан.`);
      } catch (error) {
        say(slot, error.message, false);
      }
    });
    return h('li', {}, h('strong', { text: title(i.provider) }),
      i.display_name ? ` — ${i.display_name}` : '', h('span', { class: 'muted', text: `, привязан ${moment(i.linked_at)}` }),
      ' ', button);
  })) : h('p', { class: 'muted', text: 'Привязанных входов нет.' });
  const free = providers.filter((p) => !taken.has(p.id));
  const linkButtons = free.length ? h('ul', { class: 'idn-social' }, free.map((p) => h('li', {},
    h('button', { type: 'button', class: 'button button--secondary', text: `Привязать ${p.title}`,
      onclick: async (event) => {
        try {
          await startSocial(p.id, 'link');
        } catch (error) {
          say(slot, error.message, false);
          event.currentTarget?.focus?.();
        }
      } })))) : null;
  return [slot,
    h('p', { class: 'muted', text: 'Привязанный вход позволяет входить в кабинет без пароля, через соцсеть или Госуслуги.' }),
    linkedList, linkButtons];
}

const PARTS = [['main-data', 'Основные данные'], ['contacts', 'Телефон и электронная почта'], ['password', 'Пароль'],
  ['sessions', 'Сеансы'], ['social', 'Вход через соцсети и Госуслуги']];

function contents() {
  return h('nav', { class: 'idn-toc', 'aria-label': 'Разделы профиля' },
    h('ul', {}, PARTS.map(([id, text]) => h('li', {}, h('a', { href: `#${id}`, text,
      onclick: (event) => { // stay on the page: the router would render it afresh
        event.preventDefault();
        const target = document.getElementById(`${id}-title`);
        target.scrollIntoView({ block: 'start' });
        target.focus({ preventScroll: true });
        history.replaceState(history.state, '', `#${id}`);
      } })))));
}

export default {
  title: 'Профиль',
  async render(main, _params, query) {
    const [user, sessionList, providers, identities] = await Promise.all([
      get('/api/v1/me'), get('/api/v1/me/sessions'), socialProviders().catch(() => []), get('/api/v1/me/social')]);
    const parts = {};
    const place = (id, title, children) => {
      const fresh = section(id, title, ...children);
      if (parts[id]) parts[id].replaceWith(fresh);
      parts[id] = fresh;
      return fresh;
    };
    const refreshSessions = async (message, focus = true) => {
      const reply = await get('/api/v1/me/sessions');
      const fresh = place('sessions', 'Сеансы', sessions(reply.sessions || [], refreshSessions));
      if (message) say(fresh.querySelector('.idn-slot'), message);
      if (focus) fresh.querySelector('h2').focus();
    };
    const refreshSocial = async (message) => {
      const reply = await get('/api/v1/me/social');
      const fresh = place('social', 'Вход через соцсети и Госуслуги', social(providers, reply.identities || [], refreshSocial));
      if (message) say(fresh.querySelector('.idn-slot'), message);
      fresh.querySelector('h2').focus();
    };
    const saved = (part) => (profile, message) => {
      const fresh = part === 'contacts'
        ? place('contacts', 'Телефон и электронная почта', contacts(profile, saved('contacts')))
        : place('main-data', 'Основные данные', mainData(profile, saved('main-data')));
      say(fresh.querySelector('.idn-slot'), message);
      fresh.querySelector('h2').focus();
    };
    const linked = query.get('linked');
    const failed = socialProblem(query);
    fill(main, heading('Профиль'),
      user.onboarding_required ? h('p', { class: 'notice notice--warning' }, 'Заполните анкету ',
        h('a', { href: '/onboarding', text: '«Давайте познакомимся»' }), ', чтобы продолжить работу в кабинете.') : null,
      contents(),
      place('main-data', 'Основные данные', mainData(user, saved('main-data'))),
      place('contacts', 'Телефон и электронная почта', contacts(user, saved('contacts'))),
      place('password', 'Пароль', password(() => refreshSessions(null, false).catch(() => {}))),
      place('sessions', 'Сеансы', sessions(sessionList.sessions || [], refreshSessions)),
      place('social', 'Вход через соцсети и Госуслуги', social(providers, identities.identities || [], refreshSocial, linked,
        failed)));
    if (linked || failed) {
      history.replaceState(history.state, '', '/profile');
      document.getElementById('social-title').focus();
      parts.social.scrollIntoView();
    }
  },
};

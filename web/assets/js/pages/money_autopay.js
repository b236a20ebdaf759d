// «Автоплатёж» (/autopay): per account, its state (on, waiting for the e-mail link, off and why), the last
// months' charges, and the settings form (card, day, the amount due or a fixed amount, a monthly cap). Switching
// on (or another card) needs the password entered a moment ago: the server answers 403 step_up_required, the
// page asks for the password (POST /api/v1/auth/step-up) and sends the settings again; then the e-mail link.

import { ApiError, api, get, post } from '../api.js';
import { fill, h, heading, month, rub } from '../dom.js';
import { alertBox, field, onSubmit, passwordField } from '../forms.js';
import { forget, me } from '../session.js';
import { kopecks, moneyField, myAccounts } from './money_common.js';

/** One field with its button, inline in a form: `send(value)` on a click or Enter, the button busy meanwhile,
 * the server's message under the field. */
function inline(input, go, send) {
  const submit = async () => {
    if (go.getAttribute('aria-disabled') === 'true') return;
    const slot = document.getElementById(`${input.id}-error`);
    slot.textContent = '';
    input.removeAttribute('aria-invalid');
    go.setAttribute('aria-disabled', 'true');
    try {
      await send(input.value);
    } catch (error) {
      slot.textContent = error.message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      go.removeAttribute('aria-disabled');
    }
  };
  go.addEventListener('click', submit);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { event.preventDefault(); submit(); }
  });
  input.focus();
}

const OFF = { card_deleted: 'карта автоплатежа удалена', unbound: 'лицевой счёт был отвязан', switched_off: 'отключён вами' };
const CHARGE = { charging: 'Списываем', retry: 'Повторим попытку', paid: 'Оплачено', skipped: 'Пропущено', failed: 'Не удалось' };
const REASON = { nothing_due: 'нечего оплачивать', below_minimum: 'сумма меньше минимальной',
  general_decline: 'банк отклонил платёж', insufficient_funds: 'недостаточно средств',
  provider_unavailable: 'платёжный сервис был недоступен', card_expired: 'срок действия карты истёк' };

function cardTitle(c) {
  return c ? (c.title || `Карта *${c.last4}`) : '';
}

function describe(s, cards) {
  if (!s) return '';
  const card = cards.find((c) => c.card_id === s.card_id);
  const what = s.mode === 'fixed' ? `${rub(s.amount_kop)} в месяц` : 'сумма к оплате';
  return `${s.day}-го числа каждого месяца, ${what}, не более ${rub(s.cap_kop)}${card ? `, ${cardTitle(card)}` : ''}`;
}

function stateBlock(state, cards) {
  if (state.pending) {
    return h('div', { class: 'notice money-autopay-state' },
      h('p', {}, h('strong', { text: 'Ждёт подтверждения.' }),
        ' Мы отправили письмо со ссылкой на вашу электронную почту. Перейдите по ссылке в течение 24 часов — ',
        'после этого автоплатёж заработает.'),
      h('p', { class: 'muted', text: `Новые настройки: ${describe(state.pending, cards)}.` }));
  }
  if (state.enabled) {
    return h('div', { class: 'success money-autopay-state' },
      h('p', {}, h('strong', { text: 'Автоплатёж включён: ' }), describe(state.settings, cards), '.'));
  }
  return h('p', { class: 'money-autopay-state' }, h('strong', { text: 'Автоплатёж выключен' }),
    state.off_reason && OFF[state.off_reason] ? ` (${OFF[state.off_reason]}).` : '.');
}

function charges(state) {
  if (!state.charges || !state.charges.length) return null;
  return h('details', { class: 'money-details' },
    h('summary', { text: 'Списания по автоплатежу' }),
    h('ul', { class: 'list' }, state.charges.map((c) => h('li', {},
      h('strong', { text: `${month(c.period)}: ${CHARGE[c.status] || c.status}` }),
      c.energy_kop || c.penalties_kop ? ` — ${rub((c.energy_kop || 0) + (c.penalties_kop || 0))}` : '',
      c.reason ? ` (${REASON[c.reason] || c.reason})` : ''))));
}

function settingsForm(account, state, cards, redraw) {
  const s = state.pending || state.settings || {};
  const n = account.account_id.slice(0, 8);
  const fixed = s.mode === 'fixed';
  const cardSelect = h('select', { id: `ap-card-${n}`, name: 'card_id', 'aria-describedby': `ap-card-${n}-error` },
    cards.map((c) => h('option', { value: c.card_id, selected: c.card_id === s.card_id, text: cardTitle(c) })));
  const radio = (value, label, checked) => h('span', { class: 'check' },
    h('input', { type: 'radio', id: `ap-mode-${value}-${n}`, name: 'mode', value, checked }),
    h('label', { for: `ap-mode-${value}-${n}`, text: label }));
  const amount = moneyField('Сумма каждый месяц, ₽', 'amount_kop', s.amount_kop || 0, 'Только для фиксированной суммы.');
  const form = h('form', { class: 'form money-autopay-form', novalidate: true },
    alertBox(),
    h('div', { class: 'field' }, h('label', { for: cardSelect.id, text: 'Карта' }), cardSelect,
      h('p', { class: 'error', id: `ap-card-${n}-error` })),
    field('День списания (1–28)', 'day', { type: 'number', min: 1, max: 28, inputmode: 'numeric', required: true,
      value: s.day || 10 }, 'По времени вашей сбытовой компании.'),
    h('fieldset', { class: 'money-mode' }, h('legend', { text: 'Сколько списывать' }),
      radio('amount_due', 'Сумму к оплате (сначала электроэнергия, затем пени)', !fixed),
      radio('fixed', 'Фиксированную сумму', fixed)),
    amount,
    moneyField('Не больше в месяц, ₽', 'cap_kop', s.cap_kop || 500000, 'Если к оплате больше, спишем только эту сумму.'),
    h('div', { class: 'money-stepup', hidden: true }),
    h('p', { class: 'card__actions' },
      h('button', { type: 'submit', class: 'button', text: state.enabled ? 'Сохранить настройки' : 'Подключить автоплатёж' })));
  const amountInput = amount.querySelector('input');
  const sync = () => {
    const isFixed = form.querySelector('input[name="mode"]:checked')?.value === 'fixed';
    amountInput.disabled = !isFixed;
    amount.classList.toggle('money-field--off', !isFixed);
  };
  form.addEventListener('change', sync);
  sync();

  // the password asked when the server wants a fresh one; then the settings go again
  const stepUp = form.querySelector('.money-stepup');
  const askPassword = (detail) => {
    const pw = passwordField('Пароль от личного кабинета', 'step_up_password', { autocomplete: 'current-password' },
      detail || 'Для подключения автоплатежа подтвердите, что это вы: введите пароль.');
    const go = h('button', { type: 'button', class: 'button', text: 'Подтвердить паролем' });
    stepUp.replaceChildren(h('h3', { text: 'Подтверждение паролем' }), pw, h('p', {}, go));
    stepUp.hidden = false;
    inline(pw.querySelector('input'), go, async (value) => {
      const response = await api('POST', '/api/v1/auth/step-up', { password: value }, { raw: true });
      if (response.status === 202) {
        askCode(await response.json()); // after many failed attempts the password alone is not enough
        return;
      }
      done();
    });
  };

  // the account under pressure: a code was sent to the verified phone or e-mail; it opens a fresh session
  const askCode = (reply) => {
    const code = field('Код из сообщения', 'step_up_code', { inputmode: 'numeric', autocomplete: 'one-time-code' },
      reply.detail || 'Мы отправили код подтверждения.');
    const go = h('button', { type: 'button', class: 'button', text: 'Подтвердить кодом' });
    stepUp.replaceChildren(h('h3', { text: 'Подтверждение кодом' }), code, h('p', {}, go));
    inline(code.querySelector('input'), go, async (value) => {
      await post('/api/v1/auth/login/confirm', { step_up_id: reply.step_up_id, code: value.trim(), session: 'cookie' });
      forget();
      done();
    });
  };

  // confirmed: the step-up box goes and the settings are sent again
  const done = () => {
    stepUp.hidden = true;
    stepUp.replaceChildren();
    form.requestSubmit();
  };

  onSubmit(form, async (v) => {
    const errors = {};
    const amountKop = amountInput.disabled ? 0 : kopecks(amountInput.value);
    const cap = kopecks(form.elements.cap_kop.value);
    if (amountKop === null) errors.amount_kop = 'Введите сумму в рублях, например 1500.';
    if (cap === null) errors.cap_kop = 'Введите сумму в рублях, например 5000.';
    if (Object.keys(errors).length) throw new ApiError(422, { detail: 'Проверьте суммы.', errors });
    const body = { card_id: v.card_id || '', day: Number(v.day || 0), mode: v.mode || 'amount_due',
      amount_kop: amountKop || 0, cap_kop: cap || 0 };
    let next;
    try {
      next = await api('PUT', `/api/v1/accounts/${encodeURIComponent(account.account_id)}/autopay`, body);
    } catch (error) {
      if (error.code !== 'step_up_required') throw error;
      askPassword();
      return;
    }
    redraw(next, next.pending ? 'Письмо со ссылкой отправлено. Перейдите по ней, чтобы включить автоплатёж.'
      : 'Настройки автоплатежа сохранены.');
  });
  return form;
}

function accountSection(account, state, cards) {
  const section = h('section', { class: 'money-autopay', 'aria-labelledby': `ap-${account.account_id}` });
  const draw = (current, message) => {
    const title = h('h2', { id: `ap-${account.account_id}`, tabindex: '-1', text: account.title });
    const off = current.enabled || current.pending ? h('button', { type: 'button', class: 'button button--secondary',
      text: 'Отключить автоплатёж', 'aria-label': `Отключить автоплатёж: ${account.title}` }) : null;
    const alert = alertBox();
    off?.addEventListener('click', async () => {
      try {
        const next = await api('DELETE', `/api/v1/accounts/${encodeURIComponent(account.account_id)}/autopay`);
        draw(next, 'Автоплатёж отключён.');
      } catch (error) {
        alert.textContent = error.message;
        alert.hidden = false;
      }
    });
    fill(section.replaceChildren() || section, title,
      account.alias ? h('p', { class: 'muted', text: `№ ${account.number}` }) : null,
      message ? h('p', { class: 'success', role: 'status', text: message }) : null,
      alert,
      stateBlock(current, cards),
      off ? h('p', {}, off) : null,
      charges(current),
      cards.length ? settingsForm(account, current, cards, draw) : null);
    if (message) title.focus();
  };
  draw(state, '');
  return section;
}

export default {
  title: 'Автоплатёж',
  async render(main) {
    const [accounts, cards, profile] = await Promise.all([myAccounts(), get('/api/v1/cards'), me()]);
    const states = await Promise.all(accounts.map((a) => get(`/api/v1/accounts/${encodeURIComponent(a.account_id)}/autopay`)
      .catch(() => null)));
    const list = cards.cards || [];
    fill(main, heading('Автоплатёж'),
      h('p', { text: 'Автоплатёж сам оплачивает лицевой счёт раз в месяц в выбранный день с сохранённой карты — не нужно помнить о сроке оплаты.' }),
      profile && !profile.email_verified ? h('p', { class: 'notice notice--warning money-notice' },
        'Для автоплатежа нужна подтверждённая электронная почта: на неё придёт ссылка для подключения. ',
        h('a', { href: '/profile', text: 'Указать почту в профиле' })) : null,
      list.length ? null : h('div', { class: 'empty' },
        h('p', { text: 'Нет сохранённой карты. Оплатите любой счёт картой и отметьте «Сохранить карту» — затем здесь можно будет подключить автоплатёж.' }),
        h('p', {}, h('a', { class: 'button', href: '/payments', text: 'Перейти к оплате' }))),
      accounts.length ? null : h('p', { class: 'empty', text: 'В кабинете пока нет лицевых счетов.' }),
      accounts.map((a, i) => (states[i] ? accountSection(a, states[i], list)
        : h('section', {}, h('h2', { text: a.title }), h('p', { class: 'muted', text: 'Автоплатёж временно недоступен.' })))),
      h('p', {}, h('a', { href: '/cards', text: 'Сохранённые карты' }), ' · ', h('a', { href: '/payments', text: 'Оплата' })));
  },
};

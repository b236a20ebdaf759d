// «Главная»: groups and their accounts — the balance in its colour (red debt, grey nothing owed, green
// overpayment), the orange «!» for due readings and overdue debt, the amount due, the last reading —,
// contracts, and the newest notifications (the bell's count).

import { get } from '../api.js';
import { day, fill, h, heading, kwh, month, rub } from '../dom.js';
import { setUnread } from '../layout.js';

const STATE = { debt: 'Задолженность', zero: 'Нет задолженности', overpayment: 'Переплата' };
const ZONE = { total: 'Сумма', peak: 'Пик', semi_peak: 'Полупик', day: 'День', night: 'Ночь' };

function balance(b) {
  if (!b || b.unavailable) return h('p', { class: 'muted', text: 'Баланс временно недоступен.' });
  const amount = b.state === 'debt' ? rub(-b.balance_kop) : rub(b.balance_kop);
  return h('div', { class: `balance balance--${b.state}` },
    h('p', { class: 'balance__sum' }, h('span', { class: 'balance__label', text: `${STATE[b.state] || 'Баланс'}: ` }),
      h('strong', { text: amount })),
    b.amount_due_kop > 0 ? h('p', { text: `К оплате: ${rub(b.amount_due_kop)}${b.due_on ? ` до ${day(b.due_on)}` : ''}` }) : null,
    b.amount_due_penalties_kop > 0 ? h('p', { text: `В том числе пени: ${rub(b.amount_due_penalties_kop)}` }) : null);
}

function warnings(account) {
  const out = [];
  if (account.readings_due) {
    const w = account.readings_window || {};
    out.push(h('p', { class: 'warn' }, h('span', { class: 'bang', 'aria-hidden': 'true', text: '!' }),
      `Необходимо заявить показания${w.to ? ` до ${day(w.to)}` : ''}`));
  }
  if (account.balance && account.balance.overdue) {
    out.push(h('p', { class: 'warn' }, h('span', { class: 'bang', 'aria-hidden': 'true', text: '!' }),
      `Просроченная задолженность: ${rub(account.balance.overdue_kop)}`));
  }
  return out;
}

function lastReading(r) {
  if (!r || r.unavailable) return null;
  const values = Object.entries(r.values || {}).map(([zone, value]) => `${ZONE[zone] || zone}: ${kwh(value)}`).join(', ');
  return h('p', { class: 'muted', text: `Последние показания (${month(r.period)}): ${values}` });
}

function card(account) {
  const title = account.alias || `Лицевой счёт ${account.number}`;
  return h('li', { class: 'card' },
    h('h3', { class: 'card__title' }, h('a', { href: `/accounts/${account.account_id}`, text: title })),
    account.alias ? h('p', { class: 'muted', text: `№ ${account.number}` }) : null,
    h('p', { text: account.address }),
    warnings(account),
    balance(account.balance),
    lastReading(account.last_reading),
    h('p', { class: 'card__actions' },
      account.automatic_metering ? null
        : h('a', { class: 'button button--small', href: `/accounts/${account.account_id}/readings`, text: 'Передать показания' }),
      h('a', { class: 'button button--small button--secondary', href: `/pay?account=${account.account_id}`, text: 'Оплатить' })));
}

export default {
  title: 'Главная',
  async render(main) {
    const data = await get('/api/v1/dashboard');
    const groups = (data.groups || []).filter((g) => g.accounts && g.accounts.length);
    const total = groups.reduce((n, g) => n + g.accounts.length, 0);
    const notifications = data.notifications || {};
    setUnread(notifications.unavailable ? null : notifications.unread);
    fill(main, heading('Мои лицевые счета'),
      data.payments_available === false && data.payments_notice
        ? h('p', { class: 'notice notice--warning', role: 'status', text: data.payments_notice }) : null,
      total === 0 ? h('div', { class: 'empty' },
        h('p', { text: 'В кабинете пока нет лицевых счетов.' }),
        h('p', {}, h('a', { class: 'button', href: '/accounts/add', text: 'Добавить лицевой счёт' }))) : null,
      groups.map((g) => h('section', { class: 'group', 'aria-labelledby': `group-${g.group_id}` },
        h('h2', { id: `group-${g.group_id}`, text: g.name || 'Без группы' }),
        h('ul', { class: 'cards' }, g.accounts.map(card)))),
      total ? h('p', { class: 'links' }, h('a', { href: '/accounts/add', text: 'Добавить лицевой счёт' }),
        h('a', { href: '/groups', text: 'Абоненты и группы' })) : null,
      notifications.latest && notifications.latest.length ? h('section', { 'aria-labelledby': 'latest' },
        h('h2', { id: 'latest', text: 'Последние уведомления' }),
        h('ul', { class: 'list' }, notifications.latest.map((n) => h('li', { class: n.read ? '' : 'unread' },
          h('strong', { text: n.title }), ' ', h('span', { class: 'muted', text: n.body || '' })))),
        h('p', {}, h('a', { href: '/notifications', text: 'Все уведомления' }))) : null);
  },
};

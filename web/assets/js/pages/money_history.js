// «История платежей» (/payments/history): every channel (the cabinet's card payments in any status, banks,
// agents, registries, autopay), newest first, per account or all; the receipt (PDF) of the cabinet's payments.

import { get } from '../api.js';
import { fill, h, heading, moment, rub } from '../dom.js';
import { navigate } from '../router.js';
import { BUCKET, CHANNEL, STATUS, labelCells, moreButton, myAccounts, pdfLink } from './money_common.js';

const PAGE = 20;

function what(entry) {
  const parts = (entry.items || []).map((i) => `№ ${i.account_number || ''} — ${BUCKET[i.bucket] || i.bucket}: ${rub(i.amount_kop)}`);
  return h('span', {}, entry.description ? h('span', { class: 'money-desc', text: entry.description }) : null,
    parts.length ? h('ul', { class: 'money-items' }, parts.map((t) => h('li', { text: t }))) : null);
}

function row(entry) {
  const status = STATUS[entry.status] || entry.status_text || '';
  const when = entry.at ? moment(entry.at) : '—';
  return h('tr', {},
    h('th', { scope: 'row' }, entry.source === 'card'
      ? h('a', { href: `/payments/${encodeURIComponent(entry.id)}`, text: when, 'aria-label': `Платёж ${when}` }) : when),
    h('td', {}, what(entry)),
    h('td', { text: CHANNEL[entry.channel] || entry.channel || '' }),
    h('td', { class: 'money-num', text: rub(entry.amount_kop) }),
    h('td', {}, h('span', {}, h('span', { class: `money-badge money-badge--${entry.status || 'none'}`, text: status }),
      entry.cancel_message ? h('span', { class: 'money-small', text: ` ${entry.cancel_message}` }) : null)),
    h('td', {}, entry.receipt_available
      ? pdfLink(`/api/v1/payments/${encodeURIComponent(entry.id)}/receipt.pdf`, `Чек от ${when}`, 'chek.pdf')
      : h('span', { class: 'muted', text: '—' })));
}

export default {
  title: 'История платежей',
  async render(main, _params, query) {
    const account = query.get('account') || '';
    const accounts = await myAccounts();
    const select = h('select', { id: 'history-account', name: 'account' },
      h('option', { value: '', text: 'Все лицевые счета' }),
      accounts.map((a) => h('option', { value: a.account_id, selected: a.account_id === account, text: a.title })));
    const filter = h('form', { class: 'money-filter', method: 'get', action: '/payments/history' },
      h('div', { class: 'field' }, h('label', { for: 'history-account', text: 'Лицевой счёт' }), select),
      h('button', { type: 'submit', class: 'button button--secondary', text: 'Показать' }));
    filter.addEventListener('submit', (event) => {
      event.preventDefault();
      navigate(select.value ? `/payments/history?account=${encodeURIComponent(select.value)}` : '/payments/history');
    });
    const load = async (token) => {
      const params = new URLSearchParams({ page_size: String(PAGE) });
      if (account) params.set('account_id', account);
      if (token) params.set('page_token', token);
      const data = await get(`/api/v1/payments?${params}`);
      return { items: data.payments || [], next: data.next_page_token || '' };
    };
    const first = await load('');
    const tbody = h('tbody', {}, first.items.map(row));
    const more = moreButton(load, (items) => { tbody.append(...items.map(row)); labelCells(tbody.closest('table')); });
    more.start(first.next);
    fill(main, heading('История платежей'),
      h('p', {}, h('a', { href: '/payments', text: 'Оплатить' }), ' · ',
        h('a', { href: '/cards', text: 'Сохранённые карты' }), ' · ', h('a', { href: '/autopay', text: 'Автоплатёж' })),
      accounts.length > 1 ? filter : null,
      first.items.length ? h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Платежи', tabindex: '0' },
        labelCells(h('table', { class: 'money-table money-stack money-history' },
          h('caption', { class: 'money-sr', text: 'Платежи, новые сверху' }),
          h('thead', {}, h('tr', {}, ['Дата', 'Что оплачено', 'Способ', 'Сумма', 'Статус', 'Чек']
            .map((c) => h('th', { scope: 'col', text: c })))),
          tbody)))
        : h('p', { class: 'empty', text: 'Платежей пока нет.' }),
      more,
      h('p', { class: 'muted', text: 'Чек доступен для платежей, совершённых в личном кабинете. Платежи через банки и платёжных агентов появляются с задержкой до нескольких дней.' }));
  },
};

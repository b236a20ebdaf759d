// A card payment after the provider's page (/payments/:id): its status, asked again every few seconds while it
// is «в обработке»; what it paid (accounts × energy / penalties), the card, the reason of a cancel, the receipt.

import { get } from '../api.js';
import { fill, h, heading, moment, rub } from '../dom.js';
import { BUCKET, CHANNEL, STATUS, myAccounts, pdfLink, table, whileShown } from './money_common.js';

const FAST_MS = 2000;
const SLOW_MS = 10000;
const FAST_FOR_MS = 90000;

function statusBlock(p) {
  const text = p.status_text || STATUS[p.status] || p.status;
  if (p.status === 'succeeded') {
    return h('div', { class: 'success money-status money-status--succeeded' },
      h('p', {}, h('strong', { text: `Платёж ${text}.` }), ` Оплачено ${rub(p.amount_kop)}.`),
      p.succeeded_at ? h('p', { text: `Проведён ${moment(p.succeeded_at)}.` }) : null,
      p.refunded_kop ? h('p', { text: `Возвращено: ${rub(p.refunded_kop)}.` }) : null);
  }
  if (p.status === 'canceled') {
    return h('div', { class: 'alert money-status money-status--canceled' },
      h('p', {}, h('strong', { text: `Платёж ${text}.` }), ' Деньги не списаны.'),
      p.cancel_message ? h('p', { text: p.cancel_message }) : null,
      h('p', {}, h('a', { href: '/payments', text: 'Попробовать оплатить ещё раз' })));
  }
  return h('div', { class: 'notice money-status money-status--pending' },
    h('p', {}, h('strong', { text: `Платёж ${text}.` }),
      ' Ждём ответа банка — обычно это занимает несколько секунд. Страница обновится сама.'),
    p.confirmation_url ? h('p', {}, 'Если вы не завершили оплату, ',
      h('a', { href: p.confirmation_url, text: 'вернитесь на страницу оплаты' }), '.') : null);
}

function details(p, numbers) {
  const rows = (p.items || []).map((i) => [`№ ${i.account_number || numbers[i.account_id] || i.account_id}`, BUCKET[i.bucket] || i.bucket,
    rub(i.amount_kop)]);
  return [
    h('h2', { text: 'Что оплачено' }),
    table('Оплаченные суммы по лицевым счетам', ['Лицевой счёт', 'За что', 'Сумма'], rows),
    h('dl', { class: 'money-dl' },
      h('dt', { text: 'Сумма платежа' }), h('dd', { text: rub(p.amount_kop) }),
      p.created_at ? [h('dt', { text: 'Создан' }), h('dd', { text: moment(p.created_at) })] : null,
      p.channel ? [h('dt', { text: 'Способ' }), h('dd', { text: CHANNEL[p.channel] || p.channel })] : null,
      p.card ? [h('dt', { text: 'Карта' }), h('dd', { text: p.card })] : null,
      p.provider_payment_id ? [h('dt', { text: 'Номер платежа в ЮKassa' }), h('dd', { text: p.provider_payment_id })]
        : null),
    p.status === 'succeeded' && p.channel !== 'public'
      ? h('p', {}, pdfLink(`/api/v1/payments/${encodeURIComponent(p.payment_id)}/receipt.pdf`, 'Скачать чек', 'chek.pdf'))
      : null,
  ];
}

export default {
  title: 'Платёж',
  async render(main, params) {
    const path = `/api/v1/payments/${encodeURIComponent(params.id)}`;
    const [first, accounts] = await Promise.all([get(path), myAccounts().catch(() => [])]);
    let payment = first;
    // the payment's items name the account by id (its number only in the history): the number from my accounts
    const numbers = Object.fromEntries(accounts.map((a) => [a.account_id, a.number]));
    const live = h('div', { role: 'status', 'aria-live': 'polite', class: 'money-live' });
    const body = h('div', {});
    const draw = () => {
      live.replaceChildren(statusBlock(payment));
      fill(body.replaceChildren() || body, details(payment, numbers));
    };
    draw();
    fill(main, heading('Оплата картой'), live, body,
      h('p', { class: 'money-back' }, h('a', { href: '/payments/history', text: 'История платежей' }), ' · ',
        h('a', { href: '/payments', text: 'Оплатить ещё' })));
    if (payment.status !== 'pending') return;
    const started = Date.now();
    const tick = async () => {
      const fresh = await get(path);
      if (fresh.status !== payment.status) {
        payment = fresh;
        draw();
      }
      return payment.status === 'pending';
    };
    // fast for a while, then slowly, until the status is final or the person leaves the page
    whileShown(live, () => (Date.now() - started < FAST_FOR_MS ? FAST_MS : SLOW_MS), tick);
  },
};

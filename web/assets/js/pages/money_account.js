// «Начисления и оплата» of one account (/accounts/:id/money): the balance in its two buckets (energy and
// penalties) with the due date and the overdue part, the ledger (every movement, newest first), the charges with
// their lines, and the invoices (квитанции) with their PDFs.

import { get } from '../api.js';
import { day, fill, h, heading, kwh, month, moment, rub } from '../dom.js';
import { BUCKET, CHANNEL, KIND, balanceSummary, labelCells, moreButton, pdfLink, table } from './money_common.js';

const CHARGE = { preliminary: 'Предварительное начисление', final: 'Начисление за месяц', adjustment: 'Перерасчёт' };
const ZONE = { total: 'Круглосуточно', day: 'День', night: 'Ночь', peak: 'Пик', semi_peak: 'Полупик' };
const LEDGER_PAGE = 25;
const INVOICE_PAGE = 12;

function signed(kop) {
  if (!kop) return rub(0);
  return kop > 0 ? `+${rub(kop)}` : `−${rub(-kop)}`;
}

function ledgerRow(e) {
  const when = e.posted_at ? moment(e.posted_at) : '—';
  return h('tr', {},
    h('th', { scope: 'row', text: when }),
    h('td', {}, h('span', {}, e.description || KIND[e.kind] || e.kind,
      e.channel ? h('span', { class: 'money-small', text: ` (${CHANNEL[e.channel] || e.channel})` }) : null)),
    h('td', { text: BUCKET[e.bucket] || e.bucket }),
    h('td', { class: `money-num ${e.amount_kop < 0 ? 'money-owe' : 'money-in'}`, text: signed(e.amount_kop) }),
    h('td', { text: e.period ? month(e.period) : '—' }),
    h('td', { text: e.due_on ? day(e.due_on) : '—' }));
}

function ledgerTable(rows) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Движение по счёту', tabindex: '0' },
    labelCells(h('table', { class: 'money-table money-stack money-ledger' },
      h('caption', { class: 'money-sr', text: 'Движение по лицевому счёту: минус — начислено, плюс — оплачено' }),
      h('thead', {}, h('tr', {}, ['Дата', 'Операция', 'Вид', 'Сумма', 'Период', 'Оплатить до']
        .map((c) => h('th', { scope: 'col', text: c })))),
      rows)));
}

function charge(c) {
  const lines = (c.lines || []).map((l) => [ZONE[l.zone] || l.zone, kwh(l.consumption),
    l.price_rub_per_kwh ? `${String(l.price_rub_per_kwh).replace('.', ',')} ₽/кВт·ч` : '—', rub(l.amount_kop)]);
  return h('li', { class: 'card money-charge' },
    h('h3', { class: 'card__title', text: `${CHARGE[c.kind] || c.kind}: ${rub(c.amount_kop)}` }),
    c.posted_at ? h('p', { class: 'muted', text: moment(c.posted_at) }) : null,
    lines.length ? table(`Расчёт: ${CHARGE[c.kind] || c.kind} от ${c.posted_at ? moment(c.posted_at) : ''}`,
      ['Зона', 'Расход', 'Тариф', 'Сумма'], lines) : null);
}

function invoiceRow(inv) {
  const title = `${month(inv.period)}`;
  return h('tr', {},
    h('th', { scope: 'row', text: title }),
    h('td', { text: String(inv.number) }),
    h('td', { class: 'money-num', text: rub(inv.charged_kop) }),
    h('td', { class: 'money-num', text: rub(inv.paid_kop) }),
    h('td', { class: 'money-num', text: rub(inv.penalties_kop) }),
    h('td', { class: 'money-num', text: rub((inv.amount_due_energy_kop || 0) + (inv.amount_due_penalties_kop || 0)) }),
    h('td', { text: inv.due_on ? day(inv.due_on) : '—' }),
    h('td', {}, pdfLink(inv.pdf || `/api/v1/invoices/${encodeURIComponent(inv.invoice_id)}.pdf`,
      `Квитанция за ${title}`, `kvitanciya-${inv.account_number || ''}-${inv.period}.pdf`)));
}

export default {
  title: 'Начисления и оплата',
  async render(main, params) {
    const id = encodeURIComponent(params.id);
    const [account, balance, ledger, charges, invoices] = await Promise.all([
      get(`/api/v1/accounts/${id}`),
      get(`/api/v1/accounts/${id}/balance`).catch(() => null),
      get(`/api/v1/accounts/${id}/ledger?page_size=${LEDGER_PAGE}`),
      get(`/api/v1/accounts/${id}/charges?limit=12`).catch(() => ({ charges: [] })),
      get(`/api/v1/accounts/${id}/invoices?page_size=${INVOICE_PAGE}`).catch(() => ({ invoices: [] })),
    ]);
    const title = account.alias || `Лицевой счёт ${account.number}`;

    const ledgerBody = h('tbody', {}, (ledger.entries || []).map(ledgerRow));
    const moreLedger = moreButton(async (token) => {
      const page = await get(`/api/v1/accounts/${id}/ledger?page_size=${LEDGER_PAGE}&page_token=${encodeURIComponent(token)}`);
      return { items: page.entries || [], next: page.next_page_token || '' };
    }, (items) => { ledgerBody.append(...items.map(ledgerRow)); labelCells(ledgerBody.closest('table')); },
    'Показать ещё операции');
    moreLedger.start(ledger.next_page_token || '');

    const invoiceBody = h('tbody', {}, (invoices.invoices || []).map(invoiceRow));
    const moreInvoices = moreButton(async (token) => {
      const page = await get(`/api/v1/accounts/${id}/invoices?page_size=${INVOICE_PAGE}&page_token=${encodeURIComponent(token)}`);
      return { items: page.invoices || [], next: page.next_page_token || '' };
    }, (items) => { invoiceBody.append(...items.map(invoiceRow)); labelCells(invoiceBody.closest('table')); },
    'Показать более ранние квитанции');
    moreInvoices.start(invoices.next_page_token || '');

    fill(main, heading('Начисления и оплата'),
      h('p', { class: 'money-lead' }, h('a', { href: `/accounts/${id}`, text: title }),
        account.address ? h('span', { class: 'muted', text: ` — ${account.address}` }) : null),
      h('section', { 'aria-labelledby': 'money-balance' },
        h('h2', { id: 'money-balance', text: 'Баланс' }),
        balanceSummary(balance),
        h('p', { class: 'card__actions' },
          h('a', { class: 'button', href: `/pay?account=${id}`, text: 'Оплатить' }),
          h('a', { class: 'button button--secondary', href: `/payments/history?account=${id}`, text: 'История платежей' }),
          h('a', { class: 'button button--secondary', href: '/autopay', text: 'Автоплатёж' }))),
      h('section', { 'aria-labelledby': 'money-invoices' },
        h('h2', { id: 'money-invoices', text: 'Квитанции' }),
        invoices.invoices && invoices.invoices.length
          ? h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Квитанции', tabindex: '0' },
            labelCells(h('table', { class: 'money-table money-stack money-invoices' },
              h('caption', { class: 'money-sr', text: 'Квитанции, новые сверху' }),
              h('thead', {}, h('tr', {}, ['Период', 'Номер', 'Начислено', 'Оплачено', 'Пени', 'К оплате', 'Оплатить до', 'Квитанция']
                .map((c) => h('th', { scope: 'col', text: c })))),
              invoiceBody)))
          : h('p', { class: 'empty', text: 'Квитанций пока нет: они выставляются после закрытия месяца.' }),
        moreInvoices),
      h('section', { 'aria-labelledby': 'money-ledger' },
        h('h2', { id: 'money-ledger', text: 'Движение по счёту' }),
        h('p', { class: 'hint', text: 'Электроэнергия и пени учитываются отдельно. Минус — начислено, плюс — оплачено.' }),
        ledger.entries && ledger.entries.length ? ledgerTable(ledgerBody) : h('p', { class: 'empty', text: 'Операций пока нет.' }),
        moreLedger),
      h('section', { 'aria-labelledby': 'money-charges' },
        h('h2', { id: 'money-charges', text: 'Начисления' }),
        charges.charges && charges.charges.length
          ? h('ul', { class: 'cards money-charges' }, charges.charges.map(charge))
          : h('p', { class: 'empty', text: 'Начислений пока нет. Передайте показания — предварительное начисление появится здесь.' })));
  },
};

// What the money pages share: the Russian words for the API's codes, the balance summary of an account, the
// rouble input (the person types roubles, the API takes kopecks), tables and «Показать ещё».

import { get } from '../api.js';
import { day, h, rub, uid } from '../dom.js';

export const STATUS = { pending: 'В обработке', succeeded: 'Проведён', canceled: 'Отменён' };
export const CHANNEL = { cabinet: 'Личный кабинет', bank: 'Банк', third_party: 'Платёжный агент', post: 'Почта',
  cash: 'Касса', autopay: 'Автоплатёж', public: 'Оплата без входа в кабинет', registry: 'Реестр платежей' };
export const BUCKET = { energy: 'Электроэнергия', penalties: 'Пени' };
export const KIND = { opening: 'Входящее сальдо', charge: 'Начисление', payment: 'Оплата', penalty: 'Пени',
  adjustment: 'Перерасчёт', refund: 'Возврат' };
export const STATE = { debt: 'Задолженность', zero: 'Нет задолженности', overpayment: 'Переплата' };

/** The customer's accounts (GET /api/v1/accounts), each with its title. */
export async function myAccounts() {
  const data = await get('/api/v1/accounts');
  return (data.accounts || []).map((a) => ({ ...a, title: a.alias || `Лицевой счёт ${a.number}` }));
}

/** Kopecks as the value of a rouble input: 145075 → "1450,75". */
export function roubles(kop) {
  const n = Math.max(0, Math.trunc(kop || 0));
  return `${Math.trunc(n / 100)},${String(n % 100).padStart(2, '0')}`;
}

/** What a person typed in a rouble field as kopecks: "1 450,75" → 145075; "" → 0; null when it is no amount.
 * Only the conversion of an input (the server checks what is allowed). */
export function kopecks(text) {
  const clean = String(text ?? '').replace(/[\s\u00a0₽]/g, '').replace(/руб\.?$/i, '');
  if (clean === '') return 0;
  const found = /^(\d{1,9})(?:[.,](\d{0,2}))?$/.exec(clean);
  if (!found) return null;
  return Number(found[1]) * 100 + Number((found[2] || '').padEnd(2, '0'));
}

/** A rouble input with its label, hint and error slot (named so the server's errors find it). */
export function moneyField(label, name, kop, hint = '', attrs = {}) {
  const id = uid(name.replace(/[^a-z0-9_-]/gi, '-'));
  const hintId = hint ? `${id}-hint` : null;
  return h('div', { class: 'field money-field' },
    h('label', { for: id, text: label }),
    hint ? h('p', { class: 'hint', id: hintId, text: hint }) : null,
    h('span', { class: 'money-input' },
      h('input', { id, name, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: roubles(kop),
        'aria-describedby': [hintId, `${id}-error`].filter(Boolean).join(' '), ...attrs }),
      h('span', { class: 'money-input__unit', 'aria-hidden': 'true', text: '₽' })),
    h('p', { class: 'error', id: `${id}-error` }));
}

/** An account's balance: both buckets, the amount due and its date, the overdue part. */
export function balanceSummary(b) {
  if (!b || b.unavailable) return h('p', { class: 'muted', text: 'Баланс временно недоступен.' });
  const amount = b.state === 'debt' ? rub(-b.balance_kop) : rub(b.balance_kop);
  return h('div', { class: `balance balance--${b.state}` },
    h('p', { class: 'balance__sum' }, h('span', { class: 'balance__label', text: `${STATE[b.state] || 'Баланс'}: ` }),
      h('strong', { text: amount })),
    h('dl', { class: 'money-dl' },
      h('dt', { text: 'За электроэнергию к оплате' }), h('dd', { text: rub(b.amount_due_energy_kop) }),
      h('dt', { text: 'Пени к оплате' }), h('dd', { text: rub(b.amount_due_penalties_kop) }),
      b.due_on ? [h('dt', { text: 'Оплатить до' }), h('dd', { text: day(b.due_on) })] : null),
    b.overdue ? h('p', { class: 'warn' }, h('span', { class: 'bang', 'aria-hidden': 'true', text: '!' }),
      `Просроченная задолженность: ${rub(b.overdue_kop)}${b.overdue_since ? ` (срок оплаты прошёл ${day(b.overdue_since)})` : ''}`)
      : null);
}

/** A table with a caption and column headers (th scope="col"); `rows` are arrays of cells, the first cell of
 * each row is its header (th scope="row"). */
export function table(caption, columns, rows, className = '') {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' },
    labelCells(h('table', { class: `money-table ${className}` },
      h('caption', { class: 'money-sr', text: caption }),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) => (i === 0
        ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))))))));
}

/** Gives each body cell its column's name (data-label), so that on a phone every row reads as a small card
 * (money.css) instead of a table wider than the screen. Call again after rows are added. */
export function labelCells(tableEl) {
  const names = [...tableEl.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const tr of tableEl.querySelectorAll('tbody tr')) {
    [...tr.children].forEach((cell, i) => { if (names[i]) cell.dataset.label = names[i]; });
  }
  return tableEl;
}

/** «Показать ещё»: `load(token)` returns { items, next } and `add(items)` puts them on the page. */
export function moreButton(load, add, label = 'Показать ещё') {
  let token = '';
  const button = h('button', { type: 'button', class: 'button button--secondary', text: label });
  const wrap = h('p', { class: 'money-more' }, button);
  button.addEventListener('click', async () => {
    button.setAttribute('aria-disabled', 'true');
    try {
      const { items, next } = await load(token);
      add(items);
      token = next;
      wrap.hidden = !next;
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  wrap.start = (next) => { token = next; wrap.hidden = !next; };
  return wrap;
}

/** A download link of a PDF of the API (the router leaves /api/ links and `download` links to the browser). */
export function pdfLink(href, text, filename) {
  return h('a', { href, download: filename || true, class: 'money-pdf', text: `${text} (PDF)` });
}

/** Polls while the page stays (the element still in the document) and `tick` answers true; `every` is a
 * number of milliseconds or a function returning one. */
export function whileShown(el, every, tick) {
  let timer = null;
  const wait = () => (typeof every === 'function' ? every() : every);
  const step = async () => {
    if (!el.isConnected) return;
    const again = await tick().catch(() => true);
    if (again && el.isConnected) timer = setTimeout(step, wait());
  };
  timer = setTimeout(step, wait());
  return () => clearTimeout(timer);
}

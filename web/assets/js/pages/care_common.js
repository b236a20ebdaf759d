// What the care pages share: the vocabulary's titles (feedback topics and statuses, interval modes and
// statuses), plain text with its web addresses as links, a «Показать ещё» pager over a keyset cursor, a status
// line for screen readers, and the file errors of a multipart form put where the form shows them.

import { h } from '../dom.js';
import { select, textarea } from '../forms.js';

export const TOPIC = {
  question: 'Вопрос',
  suggestion: 'Пожелание или предложение',
  complaint: 'Жалоба',
  readings: 'Показания и приборы учёта',
  payments: 'Начисления и оплата',
  account_data: 'Ошибка в данных лицевого счёта',
  cabinet: 'Работа личного кабинета',
};

export const FEEDBACK_STATUS = { new: 'Новое', in_progress: 'В работе', answered: 'Дан ответ', closed: 'Закрыто' };

export const MODE = { plain: 'без КТ и без потерь', ratio: 'с КТ и без потерь', ratio_losses: 'с КТ и с потерями' };

export const PROFILE_STATUS = { pending: 'В ожидании', accepted: 'Принят', rejected: 'Отклонён', deleted: 'Удалён' };

/** "720.0000000" → «720 кВт·ч», "-0.0000720" → «−0,000072 кВт·ч» (the server's decimal as it is, never rounded). */
export function kwh7(value) {
  if (value === null || value === undefined || value === '') return '—';
  let [whole, part = ''] = String(value).split('.');
  part = part.replace(/0+$/, '');
  const negative = whole.startsWith('-');
  whole = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${negative ? '−' : ''}${whole}${part ? `,${part}` : ''} кВт·ч`;
}

/** A line of plain text with each http(s):// address as a link (the server sends text, never markup). */
export function linkified(text) {
  const parts = [];
  const pattern = /https?:\/\/[^\s<>"«»]+[^\s<>"«».,;:!?)]/g;
  let last = 0;
  for (const found of String(text || '').matchAll(pattern)) {
    parts.push(text.slice(last, found.index));
    parts.push(h('a', { href: found[0], rel: 'noopener noreferrer', text: found[0] }));
    last = found.index + found[0].length;
  }
  parts.push(String(text || '').slice(last));
  return parts;
}

/** A select whose name is the API's field, labelled, with the error slot the forms module fills. */
export const selectField = (label, name, options, attrs = {}, hint = '') => select(label, name, options, null, attrs,
  hint);

export const textareaField = (label, name, attrs = {}, hint = '') => textarea(label, name,
  { rows: 6, class: 'care-textarea', ...attrs }, hint);

/** A polite status line: what just happened, read out by screen readers. */
export function statusLine(text = '') {
  return h('p', { class: 'care-status', role: 'status', 'aria-live': 'polite', text });
}

export function say(line, text) {
  line.textContent = '';
  // a fresh text node after a tick, so the same message twice is announced twice
  setTimeout(() => { line.textContent = text; }, 50);
}

/**
 * «Показать ещё» under a list: `load(cursor)` answers { items, next }; `draw(item)` makes one <li>. The first
 * item of each new page is focused, so a keyboard user goes on reading where the new items start.
 */
export function pager(list, load, draw, { more = 'Показать ещё', empty = null } = {}) {
  const button = h('button', { type: 'button', class: 'button button--secondary', text: more, hidden: true });
  const box = h('div', { class: 'care-more' }, button);
  let cursor = null;
  async function next(focus) {
    button.setAttribute('aria-disabled', 'true');
    try {
      const page = await load(cursor);
      const items = page.items.map(draw);
      list.append(...items);
      if (focus && items[0]) {
        items[0].tabIndex = -1;
        items[0].focus();
      }
      cursor = page.next || null;
      button.hidden = !cursor;
      if (empty && !list.children.length) empty.hidden = false;
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }
  const problem = h('span', { class: 'alert care-block', role: 'alert', hidden: true });
  box.append(problem);
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    problem.hidden = true;
    next(true).catch((error) => { problem.textContent = error.message; problem.hidden = false; });
  });
  return { box, first: () => next(false) };
}

/** The file errors of a multipart form (`files[0]`, `files[1]` …, each naming its file) as the «files»
 * input's message, so showError puts them under that input. */
export function foldFileErrors(error, name = 'files') {
  if (!error || !error.errors) return error;
  const folded = {};
  const messages = [];
  for (const [key, value] of Object.entries(error.errors)) {
    const found = /^files\[(\d+)\]$/.exec(key);
    if (found) messages.push(Array.isArray(value) ? value.join(' ') : value);
    else folded[key] = value;
  }
  if (messages.length) folded[name] = messages.join(' ');
  error.errors = folded;
  return error;
}

// Building the page: elements from data, text always as text (never parsed as HTML), and the Russian formats.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  return fill(el, ...children);
}

/** Appends children to an element: arrays flattened, null / undefined / false left out, the rest as text. */
export function fill(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const RUB = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB', minimumFractionDigits: 2 });
const KWH = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 3 });
const DAY = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', year: 'numeric' });
const MOMENT = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
const MONTH = new Intl.DateTimeFormat('ru-RU', { month: 'long', year: 'numeric' });

/** Kopecks as Russians write money: «1 234,56 ₽». */
export const rub = (kop) => RUB.format((kop || 0) / 100);
export const kwh = (value) => `${KWH.format(Number(value))} кВт·ч`;
/** "2026-12-04" → «4 декабря 2026 г.» (a calendar day: no time zone shift). */
export const day = (iso) => (iso ? DAY.format(new Date(`${iso.slice(0, 10)}T12:00:00`)) : '');
export const moment = (iso) => (iso ? MOMENT.format(new Date(iso)) : '');
/** "2026-11" → «ноябрь 2026 г.» */
export const month = (period) => (period ? MONTH.format(new Date(`${period.slice(0, 7)}-15T12:00:00`)) : '');

let ids = 0;
export const uid = (prefix = 'f') => `${prefix}-${++ids}`;

/** A page's heading: the one element focused after navigation, so a screen reader starts there. */
export function heading(text) {
  return h('h1', { tabindex: '-1', text });
}

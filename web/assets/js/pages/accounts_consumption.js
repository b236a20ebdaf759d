// «Потребление» of one account (GET consumption): a bar chart drawn as inline SVG (one bar per period,
// stacked by zone), the same numbers in a table (the chart's accessible alternative), by month — by day and
// hour where the account has hourly values — and the CSV / ESPI XML exports with the same filters.

import { get } from '../api.js';
import { fill, h, heading, kwh, month, rub } from '../dom.js';
import { alertBox, onSubmit } from '../forms.js';
import { ZONE, accountNav, accountTitle, meterTitle, select, zoneTitle } from './accounts_common.js';

const SVG = 'http://www.w3.org/2000/svg';
const ZONES = Object.keys(ZONE);
const GRANULARITY = [['month', 'По месяцам'], ['day', 'По дням'], ['hour', 'По часам']];
const DAY = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'short' });

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function label(point, granularity) {
  if (granularity === 'month') return month(point.period);
  if (granularity === 'day') return DAY.format(new Date(`${point.period}T12:00:00`));
  return `${DAY.format(new Date(`${point.period.slice(0, 10)}T12:00:00`))}, ${point.period.slice(11, 16)}`;
}

function shortLabel(point, granularity) {
  if (granularity === 'month') {
    const text = new Intl.DateTimeFormat('ru-RU', { month: 'short' }).format(new Date(`${point.period}-15T12:00:00`));
    return text.replace('.', '');
  }
  if (granularity === 'day') return point.period.slice(8, 10);
  return point.period.slice(11, 13);
}

/** The axis' top: 1, 2 or 5 × 10ⁿ at or above the highest bar. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((top) => top >= value);
}

function chart(data, titleText) {
  const points = data.points || [];
  const n = Math.max(points.length, 1);
  const width = 720;
  const height = 280;
  const left = 56;
  const bottom = 36;
  const top = 28;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(...points.map((p) => Number(p.total_kwh) || 0)));
  const step = plotW / n;
  const barW = Math.max(1, step * 0.7);
  const everyLabel = Math.ceil(n / 14);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-title chart-desc',
    focusable: 'false' });
  svg.append(s('title', { id: 'chart-title' }, titleText),
    s('desc', { id: 'chart-desc' }, 'Столбцы — потребление за период по зонам; те же данные — в таблице ниже.'));
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - plotH * f;
    svg.append(s('line', { x1: left, x2: width - 8, y1: y, y2: y, class: 'chart__grid' }),
      s('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'chart__label' }, (max * f).toLocaleString('ru-RU', { maximumFractionDigits: 1 })));
  }
  points.forEach((p, i) => {
    const x = left + i * step + (step - barW) / 2;
    let y = top + plotH;
    for (const zone of ZONES) {
      const part = (p.zones || []).find((z) => z.zone === zone);
      if (!part) continue;
      const hgt = plotH * (Number(part.kwh) || 0) / max;
      y -= hgt;
      svg.append(s('rect', { x, y, width: barW, height: Math.max(hgt, 0), class: `chart__bar chart__bar--${zone}` }));
    }
    if (i % everyLabel === 0) {
      svg.append(s('text', { x: x + barW / 2, y: height - bottom + 16, 'text-anchor': 'middle', class: 'chart__label' },
        shortLabel(p, data.granularity)));
    }
  });
  svg.append(s('text', { x: 4, y: 14, class: 'chart__label' }, 'кВт·ч'));
  const used = ZONES.filter((z) => points.some((p) => (p.zones || []).some((x) => x.zone === z)));
  return h('figure', { class: 'chart-box' }, svg,
    h('figcaption', {}, h('ul', { class: 'legend' }, used.map((z) => h('li', {},
      h('span', { class: `legend__swatch chart__bar--${z}`, 'aria-hidden': 'true' }), zoneTitle(z))))));
}

function table(data) {
  const points = data.points || [];
  const used = ZONES.filter((z) => points.some((p) => (p.zones || []).some((x) => x.zone === z)));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Таблица потребления' }, h('table', {},
    h('caption', { text: 'Потребление и начисления по периодам' }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Период' }), used.map((z) => h('th', { scope: 'col', text: zoneTitle(z) })),
      h('th', { scope: 'col', text: 'Всего' }), data.charges_available === false ? null : h('th', { scope: 'col', text: 'Начислено' }))),
    h('tbody', {}, points.map((p) => h('tr', {},
      h('th', { scope: 'row', text: label(p, data.granularity) }),
      used.map((z) => { const part = (p.zones || []).find((x) => x.zone === z); return h('td', { text: part ? kwh(part.kwh) : '—' }); }),
      h('td', { text: (p.zones || []).length ? kwh(p.total_kwh) : 'нет показаний' }),
      data.charges_available === false ? null : h('td', { text: rub(p.charged_kop) }))))));
}

export default {
  title: 'Потребление',
  async render(main, params, query) {
    const id = encodeURIComponent(params.id);
    const account = await get(`/api/v1/accounts/${id}`);
    const out = h('div', { class: 'consumption' });
    const exports = h('p', { class: 'exports' });
    const meterOptions = [['', 'Все счётчики'], ...account.meters.map((m) => [m.meter_id, meterTitle(m)])];
    const form = h('form', { class: 'filters', novalidate: true },
      alertBox(),
      select('Детализация', 'granularity', GRANULARITY, query.get('granularity') || 'month', {},
        'По дням и часам — если данные поступают автоматически или по почасовым профилям.'),
      h('div', { class: 'field' }, h('label', { for: 'c-from', text: 'С месяца' }),
        h('input', { id: 'c-from', name: 'from', type: 'month', value: query.get('from') || '', 'aria-describedby': 'c-from-error' }),
        h('p', { class: 'error', id: 'c-from-error' })),
      h('div', { class: 'field' }, h('label', { for: 'c-to', text: 'По месяц' }),
        h('input', { id: 'c-to', name: 'to', type: 'month', value: query.get('to') || '', 'aria-describedby': 'c-to-error' }),
        h('p', { class: 'error', id: 'c-to-error' })),
      account.meters.length > 1 ? select('Счётчик', 'meter_id', meterOptions, query.get('meter_id') || '') : null,
      h('button', { type: 'submit', class: 'button button--secondary', text: 'Показать' }));

    async function show(v) {
      const params2 = new URLSearchParams(Object.entries(v).filter(([k, x]) => x && ['granularity', 'from', 'to', 'meter_id'].includes(k)));
      const data = await get(`/api/v1/accounts/${id}/consumption?${params2}`);
      const base = `/api/v1/accounts/${id}/consumption`;
      const suffix = params2.toString() ? `?${params2}` : '';
      const total = (data.points || []).reduce((sum, p) => sum + (Number(p.total_kwh) || 0), 0);
      const period = `${month(data.from)} — ${month(data.to)}`;
      out.replaceChildren(
        h('p', { role: 'status', text: `${period}: всего ${kwh(total.toFixed(3))}.` }),
        total > 0 ? chart(data, `Потребление ${period}`)
          : h('p', { class: 'muted', text: 'За этот срок расход не учтён: график появится после передачи показаний.' }),
        h('h2', { text: 'Таблица потребления' }), table(data));
      exports.replaceChildren('Скачать: ',
        h('a', { href: `${base}.csv${suffix}`, download: 'potreblenie.csv', text: 'таблицу CSV (Excel)' }), ' · ',
        h('a', { href: `${base}.xml${suffix}`, download: 'potreblenie.xml', text: 'файл ESPI XML (Green Button)' }));
      history.replaceState({}, '', `${location.pathname}${suffix}`);
    }
    onSubmit(form, show);
    fill(main, heading('Потребление'),
      h('p', { class: 'lead', text: `${accountTitle(account)}${account.alias ? ` (№ ${account.number})` : ''} — ${account.address}` }),
      accountNav(account, `/accounts/${account.account_id}/consumption`),
      form, exports, out);
    const initial = Object.fromEntries(['granularity', 'from', 'to', 'meter_id'].map((k) => [k, query.get(k) || '']));
    try {
      await show(initial);
    } catch (error) {
      out.replaceChildren(h('p', { class: 'alert', role: 'alert', text: error.message }));
    }
  },
};

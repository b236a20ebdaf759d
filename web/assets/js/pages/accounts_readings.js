// «Передать показания» of one account: the window (GET readings/due), a form per meter with its zones
// (meter.zone_names), the server's messages next to the fields, the implausible-value question answered with
// «Показания верны» (confirm: true), the calculator (POST readings/preview), and the history with its
// filters and «Показать ещё» (page_token).

import { get, post } from '../api.js';
import { day, fill, h, heading, kwh, moment, month, rub } from '../dom.js';
import { alertBox, checkbox, clearErrors, onSubmit, showError } from '../forms.js';
import { READING_STATUS, SOURCE, accountNav, accountTitle, meterTitle, readValues, say, select, statusBox,
  zoneInputs, zoneTitle, zoneValues } from './accounts_common.js';

const PAGE = 10;

function windowText(due) {
  if (!due || due.automatic_metering) return null;
  const dates = `с ${day(due.window_from)} по ${day(due.window_to)}`;
  const lines = [due.window_open ? `Показания за ${month(due.period)} принимаются ${dates}`
    : `Приём показаний за ${month(due.period)} — ${dates}`];
  if (due.submitted) lines.push('Показания за этот период уже переданы.');
  return h('div', { class: due.readings_due ? 'notice notice--warning' : 'notice' },
    due.readings_due ? h('p', { class: 'warn' }, h('span', { class: 'bang', 'aria-hidden': 'true', text: '!' }),
      'Необходимо заявить показания') : null,
    lines.map((text) => h('p', { text })));
}

export function previewTable(result) {
  return [
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Предварительное начисление' }, h('table', {},
      h('caption', { text: `Предварительное начисление за ${month(result.period)}` }),
      h('thead', {}, h('tr', {}, ['Зона', 'Расход', 'Тариф, ₽ за кВт·ч', 'Сумма'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, (result.lines || []).map((line) => h('tr', {},
        h('th', { scope: 'row', text: zoneTitle(line.zone) }), h('td', { text: kwh(line.consumption) }),
        h('td', { text: String(line.price_rub_per_kwh).replace('.', ',') }), h('td', { text: rub(line.amount_kop) })))),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: 3, text: 'Итого' }),
        h('td', {}, h('strong', { text: rub(result.amount_kop) })))))),
  ];
}

function meterForm(account, meter, previous, onAccepted) {
  const zones = meter.zone_names || [];
  const result = h('div', { class: 'reading-result', 'aria-live': 'polite' });
  const done = statusBox();
  const confirmBox = h('div', { class: 'confirm', hidden: true }, checkbox('Да, показания верны', 'confirm'));
  const error = h('p', { class: 'error', id: `${confirmBox.querySelector('input').id}-error` });
  confirmBox.append(error);
  confirmBox.querySelector('input').setAttribute('aria-describedby', error.id);
  confirmBox.querySelector('input').disabled = true;

  const form = h('form', { class: 'form reading-form', novalidate: true, 'aria-labelledby': `m-${meter.meter_id}` },
    alertBox(),
    h('div', { class: 'zones' }, zoneInputs(zones, { previous, prefix: `m${meter.meter_id.slice(0, 6)}-` })),
    confirmBox,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button', text: 'Передать показания' }),
      h('button', { type: 'button', class: 'button button--secondary', text: 'Рассчитать начисление', onclick: calculate })));

  async function calculate() {
    clearErrors(form);
    result.replaceChildren(h('p', { class: 'muted', text: 'Считаем…' }));
    try {
      const preview = await post(`/api/v1/accounts/${account.account_id}/readings/preview`,
        { meter_id: meter.meter_id, values: readValues(form, zones) });
      result.replaceChildren();
      fill(result, h('h3', { text: 'Калькулятор' }),
        h('p', { text: `Расход: ${zoneValues(preview.consumption, zones)}.` }),
        previewTable(preview),
        preview.doubt ? h('p', { class: 'warn' }, h('span', { class: 'bang', 'aria-hidden': 'true', text: '!' }), preview.doubt) : null,
        h('p', { class: 'muted', text: `Тариф действует с ${day(preview.tariff_valid_from)} Окончательная сумма — в квитанции.` }));
    } catch (problem) {
      result.replaceChildren();
      showError(form, problem);
    }
  }

  onSubmit(form, async (v) => {
    done.hidden = true;
    const body = { meter_id: meter.meter_id, values: readValues(form, zones) };
    if (v.confirm) body.confirm = true;
    try {
      const reading = await post(`/api/v1/accounts/${account.account_id}/readings`, body);
      confirmBox.hidden = true;
      confirmBox.querySelector('input').disabled = true;
      confirmBox.querySelector('input').checked = false;
      say(done, h('strong', { text: 'Показания приняты. ' }),
        `За ${month(reading.period)}: ${zoneValues(reading.values, zones)}. Расход: ${zoneValues(reading.consumption, zones) || '—'}.`,
        reading.flagged ? ' Показания проверит сотрудник.' : '');
      form.querySelectorAll('.zone input').forEach((input) => { input.value = ''; });
      done.tabIndex = -1;
      done.focus();
      onAccepted();
    } catch (problem) {
      if (problem.code === 'confirmation_required') {
        confirmBox.hidden = false;
        confirmBox.querySelector('input').disabled = false;
      }
      throw problem;
    }
  });
  return h('section', { class: 'meter', 'aria-labelledby': `m-${meter.meter_id}` },
    h('h2', { id: `m-${meter.meter_id}`, text: meterTitle(meter) }),
    meter.verification_due ? h('p', { class: 'muted', text: `Поверка до ${day(meter.verification_due)}` }) : null,
    done, form, result);
}

function history(account, focusIt) {
  const meterName = Object.fromEntries(account.meters.map((m) => [m.meter_id, m]));
  const body = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true, text: 'Показаний за выбранный период нет.' });
  const more = h('button', { type: 'button', class: 'button button--secondary', hidden: true, text: 'Показать ещё' });
  const count = h('p', { class: 'visually-hidden', role: 'status' });
  let token = '';
  let filters = {};
  const offered = new Set();
  const fixed = statusBox();
  const fix = h('div', { class: 'fix', hidden: true });

  /** «Исправить»: the meter's last counted reading while its period is not billed (the server decides). */
  function correct(r, meter) {
    const zones = meter.zone_names || Object.keys(r.values);
    const confirmBox = h('div', { class: 'confirm', hidden: true }, checkbox('Да, показания верны', 'confirm'));
    const confirmInput = confirmBox.querySelector('input');
    confirmInput.disabled = true;
    confirmBox.append(h('p', { class: 'error', id: `${confirmInput.id}-error` }));
    confirmInput.setAttribute('aria-describedby', `${confirmInput.id}-error`);
    const title = h('h3', { id: 'fix-title', tabindex: '-1', text: `Исправить показания от ${moment(r.taken_at)}` });
    const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'fix-title' },
      alertBox(),
      h('p', { class: 'hint', text: 'Исправить можно последние показания, пока они не учтены в начислении.' }),
      h('div', { class: 'zones' }, zoneInputs(zones, { prefix: 'fix-' })),
      confirmBox,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button', text: 'Сохранить исправление' }),
        h('button', { type: 'button', class: 'button button--secondary', text: 'Не исправлять', onclick: () => {
          fix.hidden = true; fix.replaceChildren(); heading2.focus();
        } })));
    for (const zone of zones) {
      const input = form.querySelector(`[name="${zone}"]`);
      if (input) input.value = String(r.values[zone] || '').replace('.', ',');
    }
    onSubmit(form, async (v) => {
      const body = { values: readValues(form, zones) };
      if (v.confirm) body.confirm = true;
      try {
        const saved = await post(`/api/v1/accounts/${account.account_id}/readings/${r.reading_id}/correction`, body);
        fix.hidden = true;
        fix.replaceChildren();
        await load(true).catch(() => {});
        say(fixed, `Показания исправлены: ${zoneValues(saved.values, zones)}.`);
        fixed.tabIndex = -1;
        fixed.focus();
      } catch (problem) {
        if (problem.code === 'confirmation_required') { confirmBox.hidden = false; confirmInput.disabled = false; }
        throw problem;
      }
    });
    fix.replaceChildren(title, form);
    fix.hidden = false;
    title.focus();
  }

  async function load(reset) {
    const params = new URLSearchParams({ page_size: String(PAGE), ...filters });
    if (!reset && token) params.set('page_token', token);
    const page = await get(`/api/v1/accounts/${account.account_id}/readings?${params}`);
    if (reset) { body.replaceChildren(); offered.clear(); }
    const firstNew = page.readings.length ? body.children.length : -1;
    for (const r of page.readings) {
      const meter = meterName[r.meter_id];
      const order = meter?.zone_names;
      const counted = r.status === 'accepted' || r.status === 'billed';
      const fixable = reset && !filters.period && meter && counted && !offered.has(r.meter_id)
        && r.status === 'accepted' && ['cabinet', 'public', 'sms'].includes(r.source);
      if (counted) offered.add(r.meter_id);
      const notes = [r.flagged ? 'на проверке у сотрудника' : '', r.review_reason, r.reason].filter(Boolean).join('. ');
      body.append(h('tr', {},
        h('th', { scope: 'row', text: r.taken_at ? moment(r.taken_at) : '—' }),
        h('td', { text: month(r.period) }),
        h('td', { text: meter ? meter.number : '—' }),
        h('td', { text: zoneValues(r.values, order) }),
        h('td', { text: zoneValues(r.consumption, order) || '—' }),
        h('td', { text: SOURCE[r.source] || r.source }),
        h('td', {}, r.status_title || READING_STATUS[r.status] || r.status, notes ? h('br') : null,
          notes ? h('span', { class: 'muted', text: notes }) : null,
          fixable ? h('br') : null,
          fixable ? h('button', { type: 'button', class: 'link', 'aria-label': `Исправить показания от ${moment(r.taken_at)}`,
            text: 'Исправить', onclick: () => correct(r, meter) }) : null)));
    }
    token = page.next_page_token || '';
    more.hidden = !token;
    empty.hidden = body.children.length > 0;
    count.textContent = `Показано записей: ${body.children.length}.`;
    return firstNew;
  }
  more.addEventListener('click', async () => {
    const first = await load(false).catch(() => -1);
    if (first >= 0) { const row = body.children[first].querySelector('th'); row.tabIndex = -1; row.focus(); }
  });

  const meterOptions = [['', 'Все счётчики'], ...account.meters.map((m) => [m.meter_id, meterTitle(m)])];
  const filter = h('form', { class: 'filters', novalidate: true },
    alertBox(),
    account.meters.length > 1 ? select('Счётчик', 'meter_id', meterOptions) : null,
    h('div', { class: 'field' }, h('label', { for: 'history-period', text: 'Месяц' }),
      h('p', { class: 'hint', id: 'history-period-hint', text: 'Например 2026-11; пусто — за всё время.' }),
      h('input', { id: 'history-period', name: 'period', type: 'month', 'aria-describedby': 'history-period-hint history-period-error' }),
      h('p', { class: 'error', id: 'history-period-error' })),
    h('button', { type: 'submit', class: 'button button--secondary', text: 'Показать' }));
  onSubmit(filter, async (v) => {
    filters = Object.fromEntries(Object.entries({ meter_id: v.meter_id || '', period: v.period || '' }).filter(([, x]) => x));
    await load(true);
  });

  const heading2 = h('h2', { id: 'history', tabindex: '-1', text: 'История показаний' });
  const section = h('section', { 'aria-labelledby': 'history' }, heading2, filter, count, fixed, fix,
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Таблица истории показаний' }, h('table', { class: 'history' },
      h('caption', { class: 'visually-hidden', text: 'История показаний, новые сверху' }),
      h('thead', {}, h('tr', {}, ['Дата', 'Период', 'Счётчик', 'Показания', 'Расход', 'Источник', 'Статус']
        .map((t) => h('th', { scope: 'col', text: t })))), body)),
    empty, more);
  section.reload = () => load(true);
  section.ready = load(true).then(() => { if (focusIt) heading2.focus(); });
  return section;
}

export default {
  title: 'Передать показания',
  async render(main, params) {
    const id = encodeURIComponent(params.id);
    const [account, due, last] = await Promise.all([get(`/api/v1/accounts/${id}`),
      get(`/api/v1/accounts/${id}/readings/due`).catch(() => null),
      get(`/api/v1/accounts/${id}/readings?page_size=20`).catch(() => ({ readings: [] }))]);
    const previous = {};
    for (const r of last.readings) {
      if (!previous[r.meter_id] && (r.status === 'accepted' || r.status === 'billed')) previous[r.meter_id] = r.values;
    }
    const past = history(account, location.hash === '#history');
    fill(main, heading('Передать показания'),
      h('p', { class: 'lead', text: `${accountTitle(account)}${account.alias ? ` (№ ${account.number})` : ''} — ${account.address}` }),
      accountNav(account, `/accounts/${account.account_id}/readings`),
      account.automatic_metering
        ? h('p', { class: 'notice', text: 'Показания этого счёта поступают автоматически (АИИС КУЭ): передавать их не нужно.' })
        : [windowText(due),
          account.meters.length ? account.meters.map((m) => meterForm(account, m, previous[m.meter_id] || {}, () => past.reload()))
            : h('p', { class: 'muted', text: 'Сведений о приборах учёта нет: сообщите об ошибке на странице счёта.' })],
      past);
    await past.ready.catch(() => {});
  },
};

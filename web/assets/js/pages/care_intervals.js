// «Интервальные показания» of one meter of a contract's account: the month's template (.xlsx) to download, the
// filled template uploaded (multipart) with the mode of the primary act, and the meter's profiles — status,
// «Расход интервальный», «Дельта», the values of one, and deleting one while it waits.

import { api, get } from '../api.js';
import { fill, h, heading, moment, month } from '../dom.js';
import { alertBox, field, onSubmit, showError } from '../forms.js';
import { MODE, PROFILE_STATUS, kwh7, say, selectField, statusLine } from './care_common.js';
import { contractAccounts, meterTitle } from './care_contracts.js';

function lastMonth() {
  const now = new Date();
  const then = new Date(now.getFullYear(), now.getMonth() - 1, 15);
  return `${then.getFullYear()}-${String(then.getMonth() + 1).padStart(2, '0')}`;
}

const HOURS = Array.from({ length: 24 }, (_, i) => `${String(i).padStart(2, '0')}-${String(i + 1).padStart(2, '0')}`);

function valuesTable(profile) {
  const days = profile.days || [];
  return h('div', { class: 'table-wrap care-values', tabindex: '0', role: 'region',
    'aria-label': `Почасовые значения за ${month(profile.period)}, кВт·ч` },
  h('table', { class: 'care-table' },
    h('caption', { class: 'care-hidden', text: `Почасовые значения за ${month(profile.period)}, кВт·ч` }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Дата' }),
      HOURS.map((hour) => h('th', { scope: 'col', text: hour })))),
    h('tbody', {}, days.map((d) => h('tr', {},
      h('th', { scope: 'row', text: `${d.date.slice(8, 10)}.${d.date.slice(5, 7)}` }),
      (d.values || []).map((v) => h('td', { class: 'care-num', text: kwh7(v).replace(' кВт·ч', '') })))))));
}

export default {
  title: 'Интервальные показания',
  async render(main, params) {
    const contract = await get(`/api/v1/contracts/${encodeURIComponent(params.id)}`);
    const accounts = await contractAccounts(contract);
    const account = accounts.find((a) => (a.meters || []).some((m) => m.meter_id === params.meter_id));
    const back = h('p', { class: 'care-back' }, h('a', { href: `/contracts/${encodeURIComponent(contract.contract_id)}`,
      text: `Договор № ${contract.number}` }));
    if (!account) {
      fill(main, back, heading('Интервальные показания'),
        h('p', { class: 'alert', role: 'alert', text: 'Счётчик не найден среди счётчиков лицевого счёта договора.' }));
      return;
    }
    const meter = account.meters.find((m) => m.meter_id === params.meter_id);
    const base = `/api/v1/accounts/${encodeURIComponent(account.account_id)}/meters/${encodeURIComponent(meter.meter_id)}`;
    const status = statusLine();

    // the template
    const templateMonth = field('Месяц шаблона', 'template_period', { type: 'month', value: lastMonth(), required: true },
      'Формат: ГГГГ-ММ, например 2026-11.');
    const monthInput = templateMonth.querySelector('input');
    const download = h('a', { class: 'button button--secondary', download: true, text: 'Скачать шаблон (.xlsx)' });
    const point = () => { download.href = `${base}/interval-template.xlsx?period=${encodeURIComponent(monthInput.value)}`; };
    monthInput.addEventListener('input', point);
    point();

    // the profiles
    const body = h('tbody');
    const table = h('div', { class: 'table-wrap' }, h('table', { class: 'care-table' },
      h('caption', { class: 'care-hidden', text: 'Почасовые профили счётчика' }),
      h('thead', {}, h('tr', {}, ['Месяц', 'Режим', 'Статус', 'Расход интервальный', 'Расход интегральный',
        'Дельта', 'Передан', 'Действия'].map((t) => h('th', { scope: 'col', text: t })))), body));
    const empty = h('p', { class: 'empty', text: 'Профилей пока нет.' });
    const problem = alertBox();
    const values = h('section', { 'aria-labelledby': 'care-values-title', hidden: true });

    async function show(p) {
      const full = await get(`${base}/interval-profiles/${encodeURIComponent(p.profile_id)}`);
      const title = h('h2', { id: 'care-values-title', tabindex: '-1', text: `Значения профиля за ${month(full.period)}` });
      values.replaceChildren(title, h('p', { class: 'muted', text: `${PROFILE_STATUS[full.status] || full.status}, `
        + `${full.hours} ч, всего ${kwh7(full.total_kwh)}` }), valuesTable(full));
      values.hidden = false;
      title.focus();
    }

    function row(p) {
      const period = month(p.period);
      const actions = h('td', { class: 'care-row-actions' });
      const tr = h('tr', { 'data-id': p.profile_id },
        h('th', { scope: 'row', text: period }),
        h('td', { text: MODE[p.mode] || p.mode }),
        h('td', {}, h('span', { class: `care-badge care-badge--${p.status}`, text: PROFILE_STATUS[p.status] || p.status }),
          p.reason ? h('span', { class: 'care-block muted', text: p.reason }) : null),
        h('td', { class: 'care-num', text: kwh7(p.total_kwh) }),
        h('td', { class: 'care-num', text: kwh7(p.integral_kwh) }),
        h('td', { class: 'care-num', text: kwh7(p.delta_kwh) }),
        h('td', { text: moment(p.submitted_at) }),
        actions);
      const open = h('button', { type: 'button', class: 'link', text: `Значения за ${period}` });
      open.addEventListener('click', () => show(p).catch((error) => { problem.textContent = error.message; problem.hidden = false; }));
      actions.append(open);
      if (p.status === 'pending') {
        const remove = h('button', { type: 'button', class: 'link care-delete', text: `Удалить профиль за ${period}` });
        remove.addEventListener('click', async () => {
          if (remove.getAttribute('aria-disabled') === 'true') return;
          remove.setAttribute('aria-disabled', 'true');
          problem.hidden = true;
          try {
            const gone = await api('DELETE', `${base}/interval-profiles/${encodeURIComponent(p.profile_id)}`);
            const fresh = row(gone);
            tr.replaceWith(fresh);
            fresh.querySelector('button').focus();
            values.hidden = true;
            say(status, `Профиль за ${period} удалён.`);
          } catch (error) {
            remove.removeAttribute('aria-disabled');
            problem.textContent = error.message;
            problem.hidden = false;
          }
        });
        actions.append(remove);
      }
      return tr;
    }

    async function load() {
      const { profiles = [] } = await get(`${base}/interval-profiles?page_size=50`);
      body.replaceChildren(...profiles.map(row));
      table.hidden = !profiles.length;
      empty.hidden = profiles.length > 0;
    }

    // the upload
    const cells = h('div', { class: 'care-cells', hidden: true });
    const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'care-upload' },
      alertBox(),
      selectField('Режим первичного акта', 'mode', Object.entries(MODE), { required: true },
        'КТ — коэффициент трансформации (расчётный коэффициент) прибора учёта.'),
      field('Месяц', 'period', { type: 'month' }, 'Необязательно: иначе месяц берётся по первой дате в файле.'),
      field('Заполненный шаблон (.xlsx)', 'file', { type: 'file', class: 'care-file', required: true,
        accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
      h('button', { type: 'submit', class: 'button', text: 'Передать показания' }));
    onSubmit(form, async (v) => {
      cells.hidden = true;
      const file = form.querySelector('input[type="file"]').files[0];
      const query = new URLSearchParams({ mode: v.mode || 'plain' });
      if (v.period) query.set('period', v.period);
      const data = new FormData();
      if (file) data.append('file', file, file.name);
      let profile;
      try {
        profile = await api('POST', `${base}/interval-profiles?${query}`, data);
      } catch (error) {
        // cell addresses (D7, AF1 …) are not fields of the form: list them under it
        const bad = Object.entries(error.errors || {}).filter(([name]) => /^[A-Z]{1,3}\d+$/.test(name));
        if (!bad.length) throw error;
        error.errors = Object.fromEntries(Object.entries(error.errors).filter(([name]) => !/^[A-Z]{1,3}\d+$/.test(name)));
        showError(form, error);
        cells.replaceChildren(h('h3', { text: 'Ошибки в ячейках файла' }),
          h('ul', { class: 'care-cell-errors' }, bad.map(([cell, message]) => h('li', {},
            h('strong', { text: cell }), `: ${Array.isArray(message) ? message.join(' ') : message}`))));
        cells.hidden = false;
        return;
      }
      form.reset();
      await load();
      say(status, `Профиль за ${month(profile.period)} передан: статус «${PROFILE_STATUS[profile.status] || profile.status}», `
        + `расход интервальный ${kwh7(profile.total_kwh)}, дельта ${kwh7(profile.delta_kwh)}.`);
      const added = body.querySelector(`tr[data-id="${CSS.escape(profile.profile_id)}"] th`);
      if (added) { added.tabIndex = -1; added.focus(); }
    });

    document.title = `Интервальные показания, счётчик № ${meter.number} — Личный кабинет`;
    fill(main, back, heading('Интервальные показания'),
      h('p', {}, `${meterTitle(meter)}, договор № ${contract.number}${meter.ratio ? `, КТ ${meter.ratio}` : ''}.`),
      account.automatic_metering ? h('p', { class: 'notice', text: 'Счётчик в АИИС КУЭ: почасовые значения поступают '
        + 'автоматически, передавать их не нужно.' }) : null,
      h('h2', { text: 'Шаблон' }),
      h('p', { text: 'В столбце A — часы суток от «00-01» до «23-24», в первой строке — даты месяца. Заполните расход '
        + 'на пересечении часа и даты (до 7 знаков после запятой, 0 — если расхода не было). Сначала передайте '
        + 'интегральные показания за месяц.' }),
      h('div', { class: 'care-inline' }, templateMonth, h('p', {}, download)),
      h('h2', { id: 'care-upload', text: 'Загрузить профиль' }),
      form, cells, status,
      h('h2', { text: 'Профили' }), problem, table, empty,
      h('p', { class: 'muted', text: '«Дельта» — разница между расходом по интегральным показаниям и суммой профиля; '
        + 'лучший результат — ноль.' }),
      values);
    await load();
  },
};

// «Показания» of the menu: every meter of every account of the cabinet in one form («в одном окне»), sent
// together (POST /api/v1/readings); each meter shows its own result — accepted, or the server's message next
// to its fields, with «Да, показания верны» when the plausibility check asks.

import { get, post } from '../api.js';
import { day, fill, h, heading, month } from '../dom.js';
import { alertBox, checkbox, onSubmit } from '../forms.js';
import { READING_STATUS, accountTitle, meterTitle, readValues, say, statusBox, zoneInputs,
  zoneValues } from './accounts_common.js';

function windowLine(due) {
  if (!due || due.automatic_metering) return null;
  if (due.submitted) return h('p', { class: 'muted', text: `Показания за ${month(due.period)} переданы` });
  const text = `Приём за ${month(due.period)}: с ${day(due.window_from)} по ${day(due.window_to)}`;
  return due.readings_due
    ? h('p', { class: 'warn' }, h('span', { class: 'bang', 'aria-hidden': 'true', text: '!' }), `Необходимо заявить показания. ${text}`)
    : h('p', { class: 'muted', text });
}

function item(account, meter, due) {
  const zones = meter.zone_names || [];
  const legendId = `b-${meter.meter_id}`;
  const outcome = h('div', { class: 'item-result', 'aria-live': 'polite' });
  const confirmBox = h('div', { class: 'confirm', hidden: true }, checkbox('Да, показания верны', 'confirm'));
  const confirmInput = confirmBox.querySelector('input');
  confirmInput.disabled = true;
  const box = h('fieldset', { class: 'batch-item', 'aria-describedby': `${legendId}-where` },
    h('legend', { id: legendId, text: `${accountTitle(account)} · ${meterTitle(meter)}` }),
    h('p', { class: 'muted', id: `${legendId}-where`, text: `${account.alias ? `№ ${account.number}, ` : ''}${account.supplier_name}. ${account.address}` }),
    windowLine(due),
    h('div', { class: 'zones' }, zoneInputs(zones, { prefix: `b${meter.meter_id.slice(0, 6)}-` })),
    h('p', { class: 'error', id: `${legendId}-confirm-error` }),
    confirmBox, outcome);
  confirmInput.setAttribute('aria-describedby', `${legendId}-confirm-error`);
  return {
    box, zones, account, meter,
    filled() { return Object.values(readValues(box, zones)).some((v) => v !== ''); },
    body() {
      const out = { account_id: account.account_id, meter_id: meter.meter_id, values: readValues(box, zones) };
      if (confirmInput.checked && !confirmInput.disabled) out.confirm = true;
      return out;
    },
    show(result) {
      box.querySelectorAll('.error').forEach((p) => { p.textContent = ''; });
      box.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
      if (result.accepted) {
        const r = result.reading;
        confirmBox.hidden = true; confirmInput.disabled = true; confirmInput.checked = false;
        box.querySelectorAll('.zone input').forEach((input) => { input.value = ''; });
        outcome.className = 'item-result success';
        outcome.replaceChildren(h('strong', { text: `${READING_STATUS[r.status] || r.status_title}: ` }),
          `за ${month(r.period)}: ${zoneValues(r.values, zones)}. Расход: ${zoneValues(r.consumption, zones) || '—'}.`);
        return null;
      }
      const p = result.problem || {};
      let first = null;
      for (const [name, message] of Object.entries(p.fields || {})) {
        const input = name === 'confirm' ? null : box.querySelector(`[name="${CSS.escape(name.split('.').pop())}"]`);
        const slot = input ? document.getElementById(`${input.id}-error`) : box.querySelector(`#${CSS.escape(legendId)}-confirm-error`);
        if (slot) slot.textContent = message;
        if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
      }
      if (p.code === 'confirmation_required') {
        confirmBox.hidden = false; confirmInput.disabled = false; first = first || confirmInput;
      }
      outcome.className = 'item-result alert';
      outcome.replaceChildren(h('strong', { text: 'Не принято: ' }), p.message || 'Показания не приняты.');
      return first || outcome;
    },
  };
}

export default {
  title: 'Показания',
  async render(main) {
    const { accounts } = await get('/api/v1/accounts');
    const manual = accounts.filter((a) => !a.automatic_metering && a.meters.length);
    const dues = Object.fromEntries(await Promise.all(manual.map((a) => get(`/api/v1/accounts/${a.account_id}/readings/due`)
      .then((d) => [a.account_id, d]).catch(() => [a.account_id, null]))));
    const items = manual.flatMap((a) => a.meters.map((m) => item(a, m, dues[a.account_id])));
    const done = statusBox();
    const form = h('form', { class: 'batch', novalidate: true },
      alertBox(), items.map((i) => i.box),
      h('button', { type: 'submit', class: 'button', text: 'Передать показания' }));
    onSubmit(form, async () => {
      done.hidden = true;
      const chosen = items.filter((i) => i.filled());
      if (!chosen.length) {
        throw new Error('Введите показания хотя бы одного счётчика.');
      }
      const reply = await post('/api/v1/readings', { items: chosen.map((i) => i.body()) });
      let first = null;
      let accepted = 0;
      for (const result of reply.results) {
        const target = chosen[result.index].show(result);
        if (result.accepted) accepted += 1;
        first = first || target;
      }
      const refused = reply.results.length - accepted;
      say(done, `Принято: ${accepted} из ${reply.results.length}.`, refused ? ` Не принято: ${refused} — причины указаны у счётчиков.` : '');
      if (first) { if (!first.matches('input')) first.tabIndex = -1; first.focus(); } else { done.tabIndex = -1; done.focus(); }
    });
    fill(main, heading('Показания'),
      h('p', { text: 'Заявляйте показания по нескольким лицевым счетам в одном окне: заполните нужные счётчики и нажмите «Передать показания».' }),
      accounts.length === 0 ? h('div', { class: 'empty' }, h('p', { text: 'В кабинете пока нет лицевых счетов.' }),
        h('p', {}, h('a', { class: 'button', href: '/accounts/add', text: 'Добавить лицевой счёт' }))) : null,
      accounts.filter((a) => a.automatic_metering).map((a) => h('p', { class: 'notice',
        text: `${accountTitle(a)} (№ ${a.number}): показания поступают автоматически (АИИС КУЭ).` })),
      items.length ? [done, form] : null);
  },
};

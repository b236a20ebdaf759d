// What the accounts pages share: the vocabulary's titles (zones, statuses, sources, bill delivery), the zone
// inputs of a meter, a textarea and a select that the server's field messages find, a reading's line, the
// account's title and the little «назад» navigation.

import { h, kwh, uid } from '../dom.js';

export const ZONE = { total: 'Сумма', peak: 'Пик', semi_peak: 'Полупик', day: 'День', night: 'Ночь' };
export const zoneTitle = (zone) => ZONE[zone] || zone;

export const DELIVERY = {
  email: 'Получать счета на e-mail',
  paper_email: 'Получать бумажные счета и счета на e-mail',
  paper: 'Получать бумажные счета',
};

export const SOURCE = {
  cabinet: 'Личный кабинет', seed: 'Перенесено из прежней системы', registry: 'Поставщик (реестр)',
  public: 'Без входа в кабинет', sms: 'SMS', automatic: 'АИИС КУЭ (автоматически)', staff: 'Сотрудник',
};

export const READING_STATUS = {
  accepted: 'Принято', billed: 'Учтено в начислении', superseded: 'Исправлено', rejected: 'Отклонено',
};

export const REQUEST_TYPE = {
  electrical: 'Электромонтажные работы', plumbing: 'Сантехнические работы', meter_data: 'Ошибка в данных счётчика',
};

export const REQUEST_STATUS = {
  new: 'Новая', accepted: 'Принята', in_progress: 'В работе', done: 'Выполнена', cancelled: 'Отменена',
};

export const STOVE = { gas: 'газовая', electric: 'электрическая' };

export const accountTitle = (a) => a.alias || `Лицевой счёт ${a.number}`;

export const meterTitle = (m) => `Счётчик № ${m.number}${m.model ? ` (${m.model})` : ''}`;

/** «День: 8 210,5 кВт·ч, Ночь: 3 120,25 кВт·ч» in the meter's order when known. */
export function zoneValues(values, order) {
  const zones = order && order.length ? order.filter((z) => z in (values || {})) : Object.keys(values || {});
  return zones.map((z) => `${zoneTitle(z)}: ${kwh(values[z])}`).join(', ');
}

/** The inputs of one meter's zones, named by the zone key (the server's field errors name them so). */
export function zoneInputs(zones, { previous = {}, prefix = '' } = {}) {
  return zones.map((zone) => {
    const id = uid(`${prefix}${zone}`);
    const hint = previous[zone] ? `Предыдущие: ${kwh(previous[zone])}` : '';
    return h('div', { class: 'field zone' },
      h('label', { for: id, text: `${zoneTitle(zone)}, кВт·ч` }),
      hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
      h('input', { id, name: zone, inputmode: 'decimal', autocomplete: 'off', required: true,
        'aria-describedby': [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ') }),
      h('p', { class: 'error', id: `${id}-error` }));
  });
}

/** The zone values a form holds (only the zones given). */
export function readValues(form, zones) {
  const out = {};
  for (const zone of zones) {
    const input = form.querySelector(`[name="${zone}"]`);
    if (input && !input.disabled) out[zone] = input.value.trim();
  }
  return out;
}

export { select, textarea } from '../forms.js';

/** Radio buttons in a fieldset: options as [value, text]. */
export function radios(legend, name, options, checked = '', onchange = null) {
  return h('fieldset', { class: 'radios' }, h('legend', { text: legend }),
    options.map(([value, text]) => {
      const id = uid(name);
      return h('div', { class: 'check' },
        h('input', { type: 'radio', id, name, value, checked: value === checked, onchange }),
        h('label', { for: id, text }));
    }));
}

/** A status line that screen readers announce (role=status), shown after an action succeeded. */
export function statusBox() {
  return h('div', { class: 'success', role: 'status', 'aria-live': 'polite', hidden: true });
}

export function say(box, ...children) {
  box.replaceChildren(...children.flat().filter(Boolean).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  box.hidden = false;
}

/** The links between the pages of one account. */
export function accountNav(account, here) {
  const id = account.account_id;
  const links = [[`/accounts/${id}`, 'Лицевой счёт'],
    account.automatic_metering ? null : [`/accounts/${id}/readings`, 'Передать показания'],
    [`/accounts/${id}/readings#history`, 'История показаний'],
    [`/accounts/${id}/consumption`, 'Потребление'],
    [`/accounts/${id}/money`, 'Начисления и оплата']].filter(Boolean);
  return h('nav', { class: 'subnav', 'aria-label': 'Разделы лицевого счёта' },
    h('ul', {}, links.map(([href, text]) => h('li', {},
      h('a', { href, 'aria-current': href === here ? 'page' : null, text })))));
}

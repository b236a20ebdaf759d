// «Передать показания без входа» (POST /api/v1/public/readings): the account number, the meter number (the
// proof), the meter's kind (which zones it has), the values and the captcha; then what was accepted and the
// preliminary charge. Nothing about the holder is shown.

import { post } from '../api.js';
import { fill, h, heading, month, rub } from '../dom.js';
import { alertBox, captcha, checkbox, field, onSubmit } from '../forms.js';
import { previewTable } from './accounts_readings.js';
import { radios, readValues, zoneInputs, zoneValues } from './accounts_common.js';

const KINDS = { 1: ['total'], 2: ['day', 'night'], 3: ['peak', 'semi_peak', 'night'] };
const KIND_TITLES = [['1', 'Однотарифный (Сумма)'], ['2', 'Двухтарифный (День, Ночь)'], ['3', 'Трёхтарифный (Пик, Полупик, Ночь)']];

export default {
  title: 'Передать показания без входа',
  guest: true,
  render(main) {
    const zonesBox = h('div', { class: 'zones' });
    let zones = KINDS[1];
    const kept = {};
    function kind(value) {
      for (const input of zonesBox.querySelectorAll('input')) kept[input.name] = input.value;
      zones = KINDS[value] || KINDS[1];
      zonesBox.replaceChildren(...zoneInputs(zones, { prefix: 'p-' }));
      for (const input of zonesBox.querySelectorAll('input')) input.value = kept[input.name] || '';
    }
    kind('1');
    const confirmBox = h('div', { class: 'confirm', hidden: true }, checkbox('Да, показания верны', 'confirm'));
    const confirmInput = confirmBox.querySelector('input');
    confirmInput.disabled = true;
    confirmBox.append(h('p', { class: 'error', id: `${confirmInput.id}-error` }));
    confirmInput.setAttribute('aria-describedby', `${confirmInput.id}-error`);
    const challenge = captcha();
    const result = h('section', { class: 'public-result', 'aria-labelledby': 'accepted', hidden: true });
    const form = h('form', { class: 'form', novalidate: true },
      alertBox(),
      field('Номер лицевого счёта', 'account_number', { required: true, autocomplete: 'off' }, 'Из квитанции, например 12-10000001.'),
      field('Номер счётчика', 'meter_number', { required: true, autocomplete: 'off' },
        'Заводской номер без серии — на самом счётчике и в квитанции.'),
      radios('Тип счётчика', 'meter_kind', KIND_TITLES, '1', (event) => kind(event.target.value)),
      zonesBox, confirmBox, challenge,
      h('button', { type: 'submit', class: 'button', text: 'Передать показания' }));
    onSubmit(form, async (v) => {
      const body = { account_number: v.account_number || '', meter_number: v.meter_number || '',
        values: readValues(form, zones), captcha_id: v.captcha_id || '', captcha_answer: v.captcha_answer || '' };
      if (v.confirm) body.confirm = true;
      try {
        const accepted = await post('/api/v1/public/readings', body);
        form.hidden = true;
        result.replaceChildren();
        fill(result,
          h('h2', { id: 'accepted', tabindex: '-1', text: 'Показания приняты' }),
          h('p', { class: 'success', role: 'status', text: `Показания за ${month(accepted.period)}: ${zoneValues(accepted.values, zones)}.` }),
          h('p', { text: `Расход: ${zoneValues(accepted.consumption, zones) || '—'}.` }),
          accepted.charge_available === false
            ? h('p', { class: 'muted', text: 'Предварительное начисление сейчас рассчитать не удалось; оно появится в квитанции.' })
            : [previewTable(accepted), h('p', { class: 'muted', text: `Предварительное начисление: ${rub(accepted.amount_kop)}. Окончательная сумма — в квитанции.` })],
          h('p', {}, h('a', { href: '/public/readings', text: 'Передать показания ещё одного счётчика' })),
          h('p', {}, h('a', { href: '/public/pay', text: 'Оплатить без входа' }), ' · ', h('a', { href: '/register', text: 'Зарегистрироваться в личном кабинете' })));
        result.hidden = false;
        result.querySelector('h2').focus();
      } catch (error) {
        if (error.code === 'confirmation_required') { confirmBox.hidden = false; confirmInput.disabled = false; }
        challenge.reload().catch(() => {});
        throw error;
      }
    });
    fill(main, heading('Передать показания без входа'),
      h('p', { text: 'Укажите номер лицевого счёта и номер счётчика — так мы убедимся, что показания от вас. '
        + 'Войти в кабинет не нужно.' }),
      form, result,
      h('p', { class: 'muted' }, 'Есть кабинет? ', h('a', { href: '/login?next=/readings', text: 'Войдите' }),
        ' — там видна история показаний и начислений.'));
  },
};

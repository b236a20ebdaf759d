// «Оплатить без входа» (/public/pay): the account number (and its supplier) with a captcha → what a pay
// terminal shows (the holder masked, the street, the amount due per bucket) → the amounts, where the receipt goes
// and a second captcha (each is spent once) → the provider's page → /public/pay/done.
//
// The supplier: from the link when a supplier's site links here (/public/pay?supplier=<id>), otherwise chosen
// from the public list (GET /api/v1/suppliers).

import { ApiError, keyPerBody, post } from '../api.js';
import { fill, h, heading, rub } from '../dom.js';
import { alertBox, captcha, field, onSubmit } from '../forms.js';
import { supplierField } from '../suppliers.js';
import { kopecks, moneyField } from './money_common.js';

function findForm(supplier, choice, onFound) {
  const form = h('form', { class: 'form', novalidate: true },
    alertBox(),
    field('Номер лицевого счёта', 'number', { autocomplete: 'off', required: true, spellcheck: 'false' },
      'Напечатан в квитанции, например 12-10000001.'),
    supplier ? h('input', { type: 'hidden', name: 'supplier_id', value: supplier }) : choice,
    captcha(),
    h('button', { type: 'submit', class: 'button', text: 'Найти лицевой счёт' }));
  const keyOf = keyPerBody();
  onSubmit(form, async (v) => {
    const body = { number: (v.number || '').trim(), supplier_id: (v.supplier_id || '').trim(),
      captcha_id: v.captcha_id || '', captcha_answer: v.captcha_answer || '' };
    try {
      const view = await post('/api/v1/public/payments/account', body, { key: keyOf(body) });
      onFound(view);
    } catch (error) {
      // the server spent the captcha on any answer; with no answer (the network) the same request may go again
      if (error.status) form.querySelector('.captcha')?.reload?.().catch(() => {});
      throw error;
    }
  });
  return form;
}

function terminal(view) {
  return h('dl', { class: 'money-dl money-terminal' },
    h('dt', { text: 'Лицевой счёт' }), h('dd', { text: view.number }),
    h('dt', { text: 'Владелец' }), h('dd', { text: view.holder_masked || '—' }),
    h('dt', { text: 'Адрес' }), h('dd', { text: view.address_part || '—' }),
    h('dt', { text: 'За электроэнергию к оплате' }), h('dd', { text: rub(view.amount_due_energy_kop) }),
    h('dt', { text: 'Пени к оплате' }), h('dd', { text: rub(view.amount_due_penalties_kop) }));
}

function payForm(view) {
  const form = h('form', { class: 'form', novalidate: true },
    alertBox(),
    moneyField('За электроэнергию, ₽', 'energy_kop', view.amount_due_energy_kop),
    moneyField('Пени, ₽', 'penalties_kop', view.amount_due_penalties_kop,
      'Пени оплачиваются отдельно: переплата за электроэнергию их не погашает.'),
    h('fieldset', { class: 'money-receipt' }, h('legend', { text: 'Куда прислать чек' }),
      field('Электронная почта', 'receipt.email', { type: 'email', autocomplete: 'email' }),
      field('или телефон', 'receipt.phone', { type: 'tel', autocomplete: 'tel' }, 'Достаточно одного из двух.')),
    captcha(),
    h('button', { type: 'submit', class: 'button', text: 'Перейти к оплате' }),
    h('p', { class: 'muted', text: 'Вы перейдёте на защищённую страницу платёжного сервиса ЮKassa. Чек придёт на указанную почту или телефон.' }));
  const keyOf = keyPerBody();
  onSubmit(form, async (v) => {
    const energy = kopecks(v.energy_kop);
    const penalties = kopecks(v.penalties_kop);
    const errors = {};
    if (energy === null) errors.energy_kop = 'Введите сумму в рублях, например 1450,75.';
    if (penalties === null) errors.penalties_kop = 'Введите сумму в рублях, например 120,50.';
    if (Object.keys(errors).length) throw new ApiError(422, { detail: 'Проверьте суммы.', errors });
    const email = (v['receipt.email'] || '').trim();
    const phone = (v['receipt.phone'] || '').trim();
    const body = { number: view.number, supplier_id: view.supplier_id, energy_kop: energy, penalties_kop: penalties,
      receipt: { ...(email ? { email } : {}), ...(phone && !email ? { phone } : {}) }, return_path: '/public/pay/done',
      captcha_id: v.captcha_id || '', captcha_answer: v.captcha_answer || '' };
    let payment;
    try {
      payment = await post('/api/v1/public/payments', body, { key: keyOf(body) });
    } catch (error) {
      if (error.status) form.querySelector('.captcha')?.reload?.().catch(() => {});
      throw error;
    }
    window.location.assign(payment.confirmation_url);
  });
  return form;
}

export default {
  title: 'Оплатить без входа',
  guest: true,
  async render(main, _params, query) {
    const supplier = query.get('supplier') || '';
    const choice = supplier ? null : await supplierField('', { hint: 'Сбытовая компания из квитанции.' });
    const step = h('div', {});
    const showView = (view) => {
      const title = h('h2', { tabindex: '-1', text: `Оплата по лицевому счёту ${view.number}` });
      step.replaceChildren(title, terminal(view), payForm(view),
        h('p', {}, h('a', { href: `/public/pay${supplier ? `?supplier=${encodeURIComponent(supplier)}` : ''}`,
          text: 'Оплатить другой лицевой счёт' })));
      title.focus();
    };
    step.append(h('h2', { text: 'Найдите лицевой счёт' }), findForm(supplier, choice, showView));
    fill(main, heading('Оплатить без входа в кабинет'),
      h('p', { text: 'Оплата электроэнергии и пени банковской картой без регистрации: нужен только номер лицевого счёта.' }),
      step,
      h('p', { class: 'muted' }, 'В личном кабинете удобнее: суммы подставятся сами, будут история платежей, чеки и автоплатёж. ',
        h('a', { href: '/login?next=%2Fpayments', text: 'Войти в кабинет' })));
  },
};

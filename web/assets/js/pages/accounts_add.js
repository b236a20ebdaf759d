// «Новый лицевой счёт» (POST /api/v1/accounts): the supplier, the number, one of the three proofs (the last
// payment's date and amount, the meter number, an activation code), an alias and the group; the captcha when
// the server asks for one.

import { ApiError, get, keyPerBody, post } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, captcha, field, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { supplierField } from '../suppliers.js';
import { radios, select } from './accounts_common.js';

const PROOFS = [['last_payment', 'Последний платёж'], ['meter_number', 'Номер счётчика'],
  ['activation_code', 'Код активации']];

/** «1 450,75» → 145075 kopecks, by the digits typed (no floating point); null when it is not an amount. */
function kopecks(text) {
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(String(text || '').replace(/[\s\u00a0]/g, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || '0').padEnd(2, '0'));
}

export default {
  title: 'Новый лицевой счёт',
  async render(main, params, query) {
    const [supplier, groups] = await Promise.all([
      supplierField('', { choose: 'Определить по номеру счёта',
        hint: 'Если такой номер есть у нескольких поставщиков, выберите своего.' }),
      get('/api/v1/groups').catch(() => ({ groups: [] }))]);
    const groupOptions = (groups.groups || []).map((g) => [g.group_id, g.name]);
    const defaultGroup = (groups.groups || []).find((g) => g.is_default);

    const parts = {
      last_payment: h('div', { class: 'proof' },
        field('Дата последнего платежа', 'date', { type: 'date', required: true }),
        field('Сумма последнего платежа, ₽', 'amount_kop', { inputmode: 'decimal', required: true, autocomplete: 'off' },
          'Например: 1450,75')),
      meter_number: h('div', { class: 'proof' },
        field('Номер счётчика', 'meter_number', { required: true, autocomplete: 'off' },
          'Номер прибора учёта без серии — есть на самом счётчике и в квитанции.')),
      activation_code: h('div', { class: 'proof' },
        field('Код активации', 'activation_code', { required: true, autocomplete: 'off', autocapitalize: 'characters' },
          'Код выдают в офисе обслуживания.')),
    };
    function choose(kind) {
      for (const [name, box] of Object.entries(parts)) {
        box.hidden = name !== kind;
        box.querySelectorAll('input').forEach((input) => { input.disabled = name !== kind; });
      }
    }
    const proofChoice = radios('Чем подтвердить, что счёт ваш', 'proof_kind', PROOFS, 'last_payment',
      (event) => choose(event.target.value));

    const slot = h('div', { class: 'captcha-slot' });
    let challenge = null;
    const keyOf = keyPerBody();
    const form = h('form', { class: 'form', novalidate: true },
      alertBox(),
      supplier,
      field('Номер лицевого счёта', 'number', { required: true, autocomplete: 'off' },
        'Номер абонента из квитанции, например 12-10000001.'),
      proofChoice, parts.last_payment, parts.meter_number, parts.activation_code,
      field('Псевдоним', 'alias', { autocomplete: 'off', maxlength: 256 }, 'Необязательно: например «Дача».'),
      groupOptions.length ? select('Группа', 'group_id', groupOptions, query.get('group') || defaultGroup?.group_id || '')
        : null,
      slot,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button', text: 'Сохранить' }),
        h('a', { class: 'button button--secondary', href: '/', text: 'Отменить' })));
    choose('last_payment');

    onSubmit(form, async (v) => {
      const kind = v.proof_kind || 'last_payment';
      const proof = {};
      if (kind === 'last_payment') {
        const amount = kopecks(v.amount_kop);
        if (v.amount_kop && amount === null) {
          throw new ApiError(422, { detail: 'Проверьте сумму платежа.',
            errors: { amount_kop: 'Введите сумму в рублях, например 1450,75.' } });
        }
        proof.last_payment = { date: v.date || '', amount_kop: amount ?? 0 };
      } else {
        proof[kind] = v[kind] || '';
      }
      const body = { number: v.number || '', proof, alias: v.alias || '' };
      if (v.supplier_id) body.supplier_id = v.supplier_id;
      if (v.group_id) body.group_id = v.group_id;
      if (v.captcha_id) Object.assign(body, { captcha_id: v.captcha_id, captcha_answer: v.captcha_answer || '' });
      try {
        const account = await post('/api/v1/accounts', body, { key: keyOf(body) });
        await navigate(`/accounts/${account.account_id}?added=1`);
      } catch (error) {
        if (error.code === 'captcha_required' || error.code === 'captcha_invalid') {
          if (!challenge) { challenge = captcha(); slot.append(challenge); } else { challenge.reload(); }
        }
        throw error;
      }
    });

    fill(main, heading('Новый лицевой счёт'),
      h('p', { text: 'Добавьте лицевой счёт, чтобы видеть начисления, передавать показания и оплачивать.' }),
      form,
      h('p', { class: 'muted', text: 'Рекомендуем подтверждать по последнему платежу: данные счётчика есть не у всех. '
        + 'Платёж можно сделать любым удобным способом на любую сумму.' }));
  },
};

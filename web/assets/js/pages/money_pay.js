// «Оплата» (/payments, and /pay?account=<id> from the dashboard with that account chosen): several accounts at
// once, energy and penalties as separate amounts pre-filled from what is due (editable), where the receipt goes,
// «Сохранить карту»; POST /api/v1/payments (one Idempotency-Key for the retries of the same request), then the
// provider's page; it sends the customer back to /payments?payment_id=… which shows that payment.

import { ApiError, get, keyPerBody, post } from '../api.js';
import { day, fill, h, heading, rub } from '../dom.js';
import { alertBox, checkbox, field, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { me } from '../session.js';
import { kopecks, moneyField, myAccounts } from './money_common.js';

function links() {
  return h('ul', { class: 'money-links' },
    h('li', {}, h('a', { href: '/payments/history', text: 'История платежей и чеки' })),
    h('li', {}, h('a', { href: '/cards', text: 'Сохранённые карты' })),
    h('li', {}, h('a', { href: '/autopay', text: 'Автоплатёж' })));
}

function dueLine(b) {
  if (!b) return h('p', { class: 'muted', text: 'Сумма к оплате временно недоступна: укажите сумму сами.' });
  if (!b.amount_due_kop) return h('p', { class: 'muted', text: 'Задолженности нет. Можно внести аванс.' });
  return h('p', {}, 'К оплате: ', h('strong', { text: rub(b.amount_due_kop) }),
    b.due_on ? ` до ${day(b.due_on)}` : '',
    b.overdue ? h('span', { class: 'money-overdue', text: ` (просрочено ${rub(b.overdue_kop)})` }) : null);
}

function accountBlock(account, balance, index, chosen) {
  const legendId = `pay-acc-${index}`;
  const energy = balance ? balance.amount_due_energy_kop : 0;
  const penalties = balance ? balance.amount_due_penalties_kop : 0;
  const box = checkbox('Оплатить этот счёт', `pay.${index}`, { checked: chosen, 'data-account': account.account_id });
  return h('fieldset', { class: 'money-account', 'aria-labelledby': legendId, 'data-index': String(index) },
    h('legend', { id: legendId, class: 'money-account__title', text: account.title }),
    h('p', { class: 'muted', text: [account.alias ? `№ ${account.number}` : '', account.address || '']
      .filter(Boolean).join(', ') }),
    dueLine(balance),
    box,
    h('div', { class: 'money-amounts' },
      moneyField('За электроэнергию, ₽', `items.${index}.energy_kop`, energy),
      moneyField('Пени, ₽', `items.${index}.penalties_kop`, penalties,
        'Переплата за электроэнергию пени не погашает.')));
}

export default {
  title: 'Оплата',
  async render(main, _params, query) {
    const paid = query.get('payment_id');
    if (paid) {
      await navigate(`/payments/${encodeURIComponent(paid)}`, { replace: true });
      return;
    }
    const preselected = query.get('account');
    fill(main, heading('Оплата'), h('p', { class: 'loading', text: 'Загружаем суммы к оплате…' }));
    const [accounts, profile] = await Promise.all([myAccounts(), me()]);
    const balances = await Promise.all(accounts.map((a) => get(`/api/v1/accounts/${a.account_id}/balance`)
      .catch(() => null)));
    main.querySelector('.loading').remove();
    if (!accounts.length) {
      fill(main, h('div', { class: 'empty' },
        h('p', { text: 'В кабинете пока нет лицевых счетов.' }),
        h('p', {}, h('a', { class: 'button', href: '/accounts/add', text: 'Добавить лицевой счёт' }))), links());
      return;
    }
    const known = accounts.some((a) => a.account_id === preselected);
    const chosen = (a, i) => (known ? a.account_id === preselected
      : (balances[i] ? balances[i].amount_due_kop > 0 : false) || accounts.length === 1);
    const total = h('p', { class: 'money-total', 'aria-live': 'polite' });
    const form = h('form', { class: 'form money-pay', novalidate: true },
      alertBox(),
      h('p', { class: 'hint', text: 'Суммы заполнены по задолженности — их можно изменить. Отметьте счета, которые хотите оплатить.' }),
      accounts.map((a, i) => accountBlock(a, balances[i], i, chosen(a, i))),
      total,
      h('fieldset', { class: 'money-receipt' },
        h('legend', { text: 'Куда прислать чек' }),
        field('Электронная почта', 'receipt.email', { type: 'email', autocomplete: 'email',
          value: profile?.email || '' }),
        field('или телефон', 'receipt.phone', { type: 'tel', autocomplete: 'tel',
          value: profile?.email ? '' : (profile?.phone || '') }, 'Достаточно одного из двух.')),
      checkbox('Сохранить карту для следующих оплат и автоплатежа', 'save_card'),
      h('button', { type: 'submit', class: 'button', text: 'Перейти к оплате' }),
      h('p', { class: 'muted', text: 'Вы перейдёте на защищённую страницу платёжного сервиса ЮKassa; после оплаты вернётесь в личный кабинет. Принимаются карты МИР, Visa, Mastercard.' }));

    const rows = () => [...form.querySelectorAll('fieldset.money-account')].map((set) => {
      const i = set.dataset.index;
      return {
        set,
        on: set.querySelector(`[name="pay.${i}"]`),
        energy: set.querySelector(`[name="items.${i}.energy_kop"]`),
        penalties: set.querySelector(`[name="items.${i}.penalties_kop"]`),
        account_id: accounts[Number(i)].account_id,
      };
    });
    const refresh = () => {
      let sum = 0;
      for (const r of rows()) {
        r.set.classList.toggle('money-account--off', !r.on.checked);
        r.energy.disabled = !r.on.checked;
        r.penalties.disabled = !r.on.checked;
        if (r.on.checked) sum += (kopecks(r.energy.value) || 0) + (kopecks(r.penalties.value) || 0);
      }
      total.textContent = `Итого к оплате: ${rub(sum)}`;
    };
    form.addEventListener('input', refresh);
    form.addEventListener('change', refresh);
    refresh();

    const keyOf = keyPerBody();
    onSubmit(form, async () => {
      const errors = {};
      const items = [];
      for (const r of rows()) {
        if (!r.on.checked) continue;
        const energy = kopecks(r.energy.value);
        const penalties = kopecks(r.penalties.value);
        if (energy === null) errors[r.energy.name] = 'Введите сумму в рублях, например 1450,75.';
        if (penalties === null) errors[r.penalties.name] = 'Введите сумму в рублях, например 120,50.';
        items.push({ account_id: r.account_id, energy_kop: energy || 0, penalties_kop: penalties || 0 });
      }
      if (Object.keys(errors).length) throw new ApiError(422, { detail: 'Проверьте суммы.', errors });
      if (!items.length) throw new ApiError(422, { detail: 'Отметьте хотя бы один лицевой счёт.' });
      const email = form.elements['receipt.email'].value.trim();
      const phone = form.elements['receipt.phone'].value.trim();
      const body = { items, save_card: form.elements.save_card.checked, return_path: '/payments',
        receipt: { ...(email ? { email } : {}), ...(phone && !email ? { phone } : {}) } };
      let payment;
      try {
        payment = await post('/api/v1/payments', body, { key: keyOf(body) });
      } catch (error) {
        // the server names the items by their place in the list it got: put it back on the right account
        if (error instanceof ApiError && error.errors && error.errors.items) {
          const byPlace = {};
          const sent = rows().filter((r) => r.on.checked);
          for (const [place, message] of Object.entries(error.errors.items)) {
            const row = sent[Number(place)];
            if (!row) continue;
            const i = row.set.dataset.index;
            byPlace[i] = message;
          }
          error.errors = { ...error.errors, items: byPlace };
        }
        throw error;
      }
      if (payment.confirmation_url && payment.status === 'pending') {
        window.location.assign(payment.confirmation_url);
        return;
      }
      await navigate(`/payments/${encodeURIComponent(payment.payment_id)}`);
    });

    fill(main, form, h('h2', { text: 'Другие разделы' }), links());
  },
};

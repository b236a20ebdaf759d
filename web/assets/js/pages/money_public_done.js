// /public/pay/done?payment_id=… — where the provider's page sends a payer who did not sign in. Without a session
// the payment's status cannot be asked; the receipt and the ledger tell the result.

import { fill, h, heading } from '../dom.js';

export default {
  title: 'Оплата без входа',
  guest: true,
  render(main, _params, query) {
    const id = query.get('payment_id');
    fill(main, heading('Спасибо! Платёж передан в обработку'),
      h('div', { class: 'success', role: 'status' },
        h('p', { text: 'Если банк подтвердил оплату, чек придёт на указанную электронную почту или телефон в течение нескольких минут, а деньги поступят на лицевой счёт.' }),
        h('p', { text: 'Если вы закрыли страницу оплаты или банк отклонил платёж, деньги не списаны — можно попробовать ещё раз.' })),
      id ? h('p', { class: 'muted', text: `Номер платежа: ${id}` }) : null,
      h('p', {}, h('a', { href: '/public/pay', text: 'Оплатить ещё раз' }), ' · ',
        h('a', { href: '/login?next=%2Fpayments%2Fhistory', text: 'Войти и посмотреть историю платежей' })));
  },
};

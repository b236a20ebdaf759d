// /autopay/confirm?token=… — the link of the autopay e-mail (no sign-in needed). The change takes effect when the
// person presses the button (a mail scanner that opens the link changes nothing): POST /api/v1/autopay/confirm.

import { post } from '../api.js';
import { fill, h, heading, rub } from '../dom.js';
import { alertBox, onSubmit } from '../forms.js';
import { me } from '../session.js';

export default {
  title: 'Подтверждение автоплатежа',
  guest: true,
  async render(main, _params, query) {
    const token = query.get('token') || '';
    if (!token) {
      fill(main, heading('Подтверждение автоплатежа'),
        h('p', { class: 'alert', role: 'alert', text: 'В ссылке нет кода подтверждения. Откройте ссылку из письма целиком или подключите автоплатёж заново.' }),
        h('p', {}, h('a', { href: '/autopay', text: 'Перейти к автоплатежу' })));
      return;
    }
    const form = h('form', { class: 'form', novalidate: true },
      alertBox(),
      h('p', { text: 'Чтобы включить автоплатёж с настройками, которые вы выбрали в личном кабинете, нажмите кнопку.' }),
      h('button', { type: 'submit', class: 'button', text: 'Подтвердить автоплатёж' }));
    onSubmit(form, async () => {
      const state = await post('/api/v1/autopay/confirm', { token });
      const s = state.settings;
      const signedIn = await me().catch(() => null);
      const title = h('h2', { tabindex: '-1', text: 'Автоплатёж включён' });
      form.replaceWith(h('div', { class: 'success', role: 'status' }, title,
        s ? h('p', { text: `Списание ${s.day}-го числа каждого месяца: ${s.mode === 'fixed' ? rub(s.amount_kop)
          : 'сумма к оплате'}, не более ${rub(s.cap_kop)}.` }) : null,
        h('p', {}, h('a', { href: signedIn ? '/autopay' : '/login?next=%2Fautopay', text: 'Настройки автоплатежа' }))));
      title.focus();
    });
    fill(main, heading('Подтверждение автоплатежа'), form);
  },
};

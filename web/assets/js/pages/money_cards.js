// «Сохранённые карты» (/cards): the cards saved with «Сохранить карту» on a payment (first six and last four
// digits only), each removable after a confirmation; removing one switches off the autopays that paid with it.

import { api, get } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, showError } from '../forms.js';

function cardName(c) {
  return c.title || `Карта *${c.last4}`;
}

function cardItem(c, onRemoved) {
  const name = cardName(c);
  const li = h('li', { class: 'card money-card' });
  const alert = alertBox();
  const remove = h('button', { type: 'button', class: 'button button--secondary button--small',
    text: 'Удалить', 'aria-label': `Удалить карту ${name}` });
  const confirmBox = h('div', { class: 'money-confirm', hidden: true },
    h('p', { text: `Удалить карту ${name}? Автоплатежи, которые списываются с неё, будут отключены.` }),
    h('p', { class: 'card__actions' },
      h('button', { type: 'button', class: 'button button--small', text: 'Да, удалить', onclick: async (event) => {
        const button = event.currentTarget;
        if (button.getAttribute('aria-disabled') === 'true') return;
        button.setAttribute('aria-disabled', 'true');
        try {
          const reply = await api('DELETE', `/api/v1/cards/${encodeURIComponent(c.card_id)}`);
          onRemoved(c, reply);
        } catch (error) {
          showError(li, error);
        } finally {
          button.removeAttribute('aria-disabled');
        }
      } }),
      h('button', { type: 'button', class: 'button button--secondary button--small', text: 'Отмена', onclick: () => {
        confirmBox.hidden = true;
        remove.hidden = false;
        remove.focus();
      } })));
  remove.addEventListener('click', () => {
    confirmBox.hidden = false;
    remove.hidden = true;
    confirmBox.querySelector('button').focus();
  });
  return fill(li, alert,
    h('h2', { class: 'card__title money-card__title', text: name }),
    h('p', { text: `${c.first6 ? `${c.first6.slice(0, 4)} ${c.first6.slice(4)}** **** ` : '**** '}${c.last4}` }),
    c.expiry_month ? h('p', { class: 'muted', text: `Действует до ${c.expiry_month}/${c.expiry_year}` }) : null,
    h('p', { class: 'card__actions' }, remove),
    confirmBox);
}

export default {
  title: 'Сохранённые карты',
  async render(main) {
    const data = await get('/api/v1/cards');
    const status = h('div', { role: 'status', 'aria-live': 'polite' });
    const list = h('ul', { class: 'cards money-cards' });
    const empty = h('div', { class: 'empty' },
      h('p', { text: 'Сохранённых карт нет.' }),
      h('p', { text: 'Чтобы сохранить карту, отметьте «Сохранить карту» при оплате. Сохранённая карта нужна для автоплатежа.' }),
      h('p', {}, h('a', { href: '/payments', text: 'Перейти к оплате' })));
    const onRemoved = (card, reply) => {
      list.querySelector(`[data-card="${CSS.escape(card.card_id)}"]`)?.remove();
      const off = (reply && reply.autopays_switched_off) || [];
      status.replaceChildren(h('p', { class: 'success', text: `Карта ${cardName(card)} удалена.${off.length
        ? ` Автоплатёж отключён по лицевым счетам: ${off.length}.` : ''}` }));
      empty.hidden = list.children.length > 0;
      main.querySelector('h1').focus();
    };
    for (const c of data.cards || []) {
      const item = cardItem(c, onRemoved);
      item.dataset.card = c.card_id;
      list.append(item);
    }
    empty.hidden = list.children.length > 0;
    fill(main, heading('Сохранённые карты'), status, list, empty,
      h('p', {}, h('a', { href: '/autopay', text: 'Настроить автоплатёж' }), ' · ',
        h('a', { href: '/payments', text: 'Оплата' })));
  },
};

// «Отписка от писем» (/unsubscribe?token=…): the page a letter's «Отписаться» link opens. It says which letters
// the link switches off and asks first (GET describes, changes nothing); the button sends the same one-click
// form a mail client sends for the List-Unsubscribe header (RFC 8058). No sign-in: the signed token is the proof.

import { api, get } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, onSubmit } from '../forms.js';

const TITLE = 'Отписка от писем';

function settingsLink() {
  return h('p', {}, 'Выбрать, какие уведомления и как получать, можно в ',
    h('a', { href: '/notifications/settings', text: 'настройках уведомлений' }), ' (нужен вход в личный кабинет).');
}

export default {
  title: TITLE,
  guest: true,
  async render(main, _params, query) {
    const token = query.get('token') || '';
    const path = `/api/v1/notifications/unsubscribe?${new URLSearchParams({ token })}`;
    let link;
    try {
      link = await get(path);
    } catch (error) {
      fill(main, heading(TITLE), h('p', { class: 'alert', role: 'alert', text: error.message }), settingsLink());
      return;
    }
    const what = `«${link.category_title}»`;
    if (!link.enabled) {
      fill(main, heading(TITLE), h('p', { class: 'success', role: 'status',
        text: `Письма ${what} на электронную почту уже отключены.` }), settingsLink());
      return;
    }
    const done = h('div', { class: 'success', role: 'status', hidden: true });
    const form = h('form', { class: 'form', novalidate: true },
      alertBox(),
      h('p', { text: `Больше не присылать на электронную почту письма ${what}? Обязательные уведомления `
        + '(коды, безопасность, юридически значимые сообщения) приходят всегда.' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button', text: 'Отписаться' })));
    onSubmit(form, async () => {
      const body = new FormData();
      body.set('List-Unsubscribe', 'One-Click');
      await api('POST', path, body);
      form.hidden = true;
      done.textContent = `Готово: письма ${what} больше не будут приходить на электронную почту.`;
      done.hidden = false;
      done.tabIndex = -1;
      done.focus();
    });
    fill(main, heading(TITLE), form, done, settingsLink());
  },
};

// The frame around every page: the menu for a guest or a customer, the bell with the unread count, and the
// outage notices of GET /api/v1/status.

import { get } from './api.js';
import { h } from './dom.js';
import { navigate } from './router.js';
import { me, signOut } from './session.js';

const GUEST = [['/login', 'Вход'], ['/register', 'Регистрация'], ['/public/readings', 'Передать показания без входа'],
  ['/public/pay', 'Оплатить без входа'], ['/news', 'Новости'], ['/help', 'Помощь']];
const CUSTOMER = [['/', 'Главная'], ['/payments', 'Оплата'], ['/readings', 'Показания'], ['/requests', 'Заявки'],
  ['/contracts', 'Договоры'], ['/profile', 'Профиль']];

let unread = null;
export function setUnread(count) {
  unread = count;
  const badge = document.querySelector('.bell__count');
  if (badge) {
    badge.textContent = count ? String(count) : '';
    badge.closest('a').setAttribute('aria-label', bellLabel());
  }
}

function bellLabel() {
  return unread ? `Уведомления: непрочитанных ${unread}` : 'Уведомления';
}

function menu(items, current) {
  return h('ul', { class: 'nav__list' }, items.map(([href, text]) => h('li', {},
    h('a', { href, 'aria-current': href === current ? 'page' : null, text }))));
}

export async function frame() {
  const nav = document.getElementById('nav');
  const user = await me().catch(() => null);
  const here = location.pathname;
  if (!user) {
    nav.replaceChildren(menu(GUEST, here));
  } else {
    const exit = h('button', { type: 'button', class: 'link nav__exit', text: 'Выйти' });
    exit.addEventListener('click', async () => { await signOut().catch(() => {}); navigate('/login'); });
    nav.replaceChildren(menu(CUSTOMER, here), h('div', { class: 'nav__user' },
      h('a', { class: 'bell', href: '/notifications', 'aria-label': bellLabel(),
        'aria-current': here === '/notifications' ? 'page' : null },
      h('img', { src: '/assets/img/bell.svg', alt: '', width: 22, height: 22 }),
      h('span', { class: 'bell__text', 'aria-hidden': 'true', text: 'Уведомления' }),
      h('span', { class: 'bell__count', 'aria-hidden': 'true', text: unread ? String(unread) : '' })), exit));
    get('/api/v1/notifications/unread-count').then((r) => setUnread(r.unread_count)).catch(() => {});
  }
  await notices();
}

let shownAt = 0;
async function notices() {
  if (Date.now() - shownAt < 15000) return;
  shownAt = Date.now();
  const box = document.getElementById('notices');
  try {
    const status = await get('/api/v1/status');
    box.replaceChildren(...(status.notices || []).map((n) => h('p', {
      class: `notice notice--${n.severity}`, role: n.severity === 'warning' ? 'alert' : 'status', text: n.text })));
  } catch {
    box.replaceChildren();
  }
}

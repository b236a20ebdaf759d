// «Уведомления» (the bell): the inbox a page at a time, unread ones marked, one or all marked read (the bell's
// count follows the server's answer); and «Настройки уведомлений»: the category × channel matrix, locked
// (critical) channels shown as always on.

import { get, post, api } from '../api.js';
import { fill, h, heading, moment } from '../dom.js';
import { alertBox, onSubmit } from '../forms.js';
import { setUnread } from '../layout.js';
import { pager, say, statusLine } from './care_common.js';

const PAGE = 20;

function unreadText(count) {
  return count ? `Непрочитанных уведомлений: ${count}.` : 'Непрочитанных уведомлений нет.';
}

export const inbox = {
  title: 'Уведомления',
  async render(main, _params, query) {
    const onlyUnread = query.get('unread') === 'true';
    const status = statusLine();
    const counter = h('p', { class: 'care-count' });
    const readAll = h('button', { type: 'button', class: 'button button--secondary', text: 'Отметить все как прочитанные' });
    const list = h('ul', { class: 'care-inbox', 'aria-labelledby': 'care-inbox-title' });
    const empty = h('p', { class: 'empty', hidden: true,
      text: onlyUnread ? 'Непрочитанных уведомлений нет.' : 'Уведомлений пока нет.' });
    const problem = alertBox();

    function count(n) {
      setUnread(n);
      counter.textContent = unreadText(n);
      readAll.hidden = !n;
    }

    function markedRead(item) {
      item.classList.remove('care-unread');
      item.querySelector('.care-flag')?.remove();
      item.querySelector('.care-mark')?.remove();
    }

    function draw(n) {
      const titleId = `care-n-${n.id}`;
      const item = h('li', { class: n.read ? 'care-note' : 'care-note care-unread', 'data-id': n.id },
        h('h3', { class: 'care-note__title', id: titleId },
          n.read ? null : h('span', { class: 'care-flag', text: 'Новое' }), ' ', n.title),
        h('p', { class: 'muted care-note__when' }, h('time', { datetime: n.created_at || '', text: moment(n.created_at) })),
        n.body ? h('p', { class: 'care-note__body', text: n.body }) : null,
        n.account_id ? h('p', {}, h('a', { href: `/accounts/${n.account_id}`, text: 'Открыть лицевой счёт' })) : null);
      if (!n.read) {
        const mark = h('button', { type: 'button', class: 'link care-mark', 'aria-describedby': titleId,
          text: 'Отметить прочитанным' });
        mark.addEventListener('click', async () => {
          if (mark.getAttribute('aria-disabled') === 'true') return;
          mark.setAttribute('aria-disabled', 'true');
          try {
            const reply = await post(`/api/v1/notifications/${encodeURIComponent(n.id)}/read`);
            const heading3 = item.querySelector('h3');
            markedRead(item);
            heading3.tabIndex = -1;
            heading3.focus();
            count(reply.unread_count);
            say(status, `Уведомление «${n.title}» отмечено прочитанным. ${unreadText(reply.unread_count)}`);
          } catch (error) {
            mark.removeAttribute('aria-disabled');
            problem.textContent = error.message;
            problem.hidden = false;
          }
        });
        item.append(h('p', {}, mark));
      }
      return item;
    }

    readAll.addEventListener('click', async () => {
      if (readAll.getAttribute('aria-disabled') === 'true') return;
      readAll.setAttribute('aria-disabled', 'true');
      problem.hidden = true;
      try {
        const reply = await post('/api/v1/notifications/read-all');
        list.querySelectorAll('.care-unread').forEach(markedRead);
        count(reply.unread_count);
        say(status, reply.marked ? `Отмечено прочитанными: ${reply.marked}.` : 'Все уведомления уже прочитаны.');
        counter.tabIndex = -1;
        counter.focus();
      } catch (error) {
        problem.textContent = error.message;
        problem.hidden = false;
      } finally {
        readAll.removeAttribute('aria-disabled');
      }
    });

    const more = pager(list, async (cursor) => {
      const params = new URLSearchParams({ limit: String(PAGE) });
      if (cursor) params.set('cursor', cursor);
      if (onlyUnread) params.set('unread', 'true');
      const page = await get(`/api/v1/notifications?${params}`);
      count(page.unread_count);
      return { items: page.notifications || [], next: page.next_cursor };
    }, draw, { empty });

    fill(main, heading('Уведомления'),
      h('p', { class: 'care-links' },
        h('a', { href: '/notifications/settings', text: 'Настройки уведомлений' }),
        onlyUnread ? h('a', { href: '/notifications', text: 'Показать все уведомления' })
          : h('a', { href: '/notifications?unread=true', text: 'Показать только непрочитанные' })),
      counter, h('p', {}, readAll), status, problem,
      h('h2', { id: 'care-inbox-title', class: 'care-hidden', text: 'Список уведомлений' }),
      list, empty, more.box);
    await more.first();
  },
};

function matrix(categories) {
  const channels = [];
  for (const c of categories) {
    for (const s of c.channels || []) {
      if (!channels.some(([code]) => code === s.channel)) channels.push([s.channel, s.title || s.channel]);
    }
  }
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'care-matrix' },
      h('caption', { text: 'Каналы по темам уведомлений' }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: 'Тема' }),
        channels.map(([code, title]) => h('th', { scope: 'col', id: `care-ch-${code}`, text: title })))),
      h('tbody', {}, categories.map((c) => h('tr', {},
        h('th', { scope: 'row', id: `care-cat-${c.category}` },
          h('span', { class: 'care-matrix__title', text: c.title || c.category }),
          c.description ? h('span', { class: 'hint care-matrix__about', text: c.description }) : null),
        channels.map(([code]) => {
          const cell = (c.channels || []).find((s) => s.channel === code);
          if (!cell) return h('td', {}, h('span', { class: 'muted', text: 'не используется' }));
          const id = `care-pref-${c.category}-${code}`;
          return h('td', {},
            h('span', { class: 'care-switch' },
              h('input', { type: 'checkbox', id, name: `${c.category}:${code}`, checked: cell.enabled,
                disabled: cell.locked, class: cell.locked ? 'care-hidden' : null, 'data-was': String(cell.enabled),
                'aria-labelledby': `care-ch-${code} care-cat-${c.category}`,
                'aria-describedby': cell.locked ? `${id}-lock` : null }),
              cell.locked ? h('span', { class: 'care-lock' }, h('span', { class: 'care-tick', 'aria-hidden': 'true', text: '✓' }),
                h('span', { id: `${id}-lock`, text: 'Всегда включено: важное уведомление' })) : null));
        }))))));
}

export const settings = {
  title: 'Настройки уведомлений',
  async render(main) {
    const data = await get('/api/v1/me/notification-preferences');
    const slot = h('div', {}, matrix(data.categories || []));
    const status = statusLine();
    const form = h('form', { class: 'care-settings', novalidate: true },
      alertBox(), slot, status,
      h('p', {}, h('button', { type: 'submit', class: 'button', text: 'Сохранить' })));
    onSubmit(form, async () => {
      const preferences = [];
      for (const box of form.querySelectorAll('input[type="checkbox"]')) {
        if (String(box.checked) === box.dataset.was) continue;
        const [category, channel] = box.name.split(':');
        preferences.push({ category, channel, enabled: box.checked });
      }
      if (!preferences.length) {
        say(status, 'Изменений нет: настройки остались прежними.');
        return;
      }
      const reply = await api('PUT', '/api/v1/me/notification-preferences', { preferences });
      slot.replaceChildren(matrix(reply.categories || []));
      say(status, 'Настройки сохранены.');
    });
    fill(main, heading('Настройки уведомлений'),
      h('p', { text: 'Выберите, о чём сообщать по SMS и на электронную почту. Все уведомления, кроме новостей, '
        + 'всегда приходят и в личный кабинет (колокольчик).' }),
      h('p', { text: 'Важные уведомления (безопасность, задолженность, ответы на обращения) по некоторым каналам '
        + 'отключить нельзя — такие отметки недоступны для изменения.' }),
      form,
      h('p', {}, h('a', { href: '/notifications', text: 'Вернуться к уведомлениям' })));
  },
};

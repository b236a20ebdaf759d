// «Абоненты и группы» (/groups): the customer's groups with their accounts — a new group (POST /groups), a
// group renamed (PATCH), removed with its accounts moved to the default one (DELETE; the default group cannot
// go, the server says so), an account added straight into a group (/accounts/add?group=…).

import { api, get, newKey, post } from '../api.js';
import { fill, h, heading } from '../dom.js';
import { alertBox, askFirst, field, onSubmit } from '../forms.js';
import { accountTitle, say, statusBox } from './accounts_common.js';

const TITLE = 'Абоненты и группы';

export default {
  title: TITLE,
  async render(main) {
    const done = statusBox();

    async function draw(message = '') {
      const [board, list] = await Promise.all([get('/api/v1/dashboard'), get('/api/v1/groups')]);
      const accounts = new Map((board.groups || []).map((g) => [g.group_id, g.accounts || []]));
      const groups = list.groups || [];
      const fallback = groups.find((g) => g.is_default);
      main.replaceChildren();
      fill(main, heading(TITLE),
        h('p', { class: 'lead', text: 'Группируйте лицевые счета как удобно: например, по адресу. Новые счета '
          + `попадают в группу «${fallback ? fallback.name : 'Моя группа'}», если не выбрать другую.` }),
        done,
        groups.map((g) => section(g, accounts.get(g.group_id) || [], fallback)),
        creation());
      if (message) say(done, message);
    }

    function section(group, accounts, fallback) {
      const id = `group-${group.group_id}`;
      return h('section', { class: 'group', 'aria-labelledby': id },
        h('h2', { id, text: group.name }),
        group.is_default ? h('p', { class: 'muted', text: 'Основная группа: сюда переходят счета удалённых групп.' })
          : null,
        accounts.length
          ? h('ul', { class: 'list' }, accounts.map((a) => h('li', {},
            h('a', { href: `/accounts/${a.account_id}`, text: accountTitle(a) }),
            a.alias ? h('span', { class: 'muted', text: ` № ${a.number}` }) : null,
            a.address ? h('span', { class: 'muted', text: ` — ${a.address}` }) : null)))
          : h('p', { class: 'muted', text: 'В группе пока нет лицевых счетов.' }),
        h('p', {}, h('a', { href: `/accounts/add?group=${encodeURIComponent(group.group_id)}`,
          text: 'Добавить лицевой счёт в эту группу' })),
        rename(group),
        group.is_default ? null : removal(group, accounts.length, fallback));
    }

    function rename(group) {
      const form = h('form', { class: 'form', novalidate: true, 'aria-label': `Переименовать группу «${group.name}»` },
        alertBox(),
        field('Новое название группы', 'name', { required: true, maxlength: 100, value: group.name,
          autocomplete: 'off' }),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button--secondary',
          text: 'Переименовать' })));
      onSubmit(form, async (v) => {
        await api('PATCH', `/api/v1/groups/${encodeURIComponent(group.group_id)}`, { name: v.name || '' });
        await draw(`Группа переименована: «${v.name.trim()}».`);
      });
      return form;
    }

    function removal(group, count, fallback) {
      const key = newKey();
      return askFirst(`Удалить группу «${group.name}»`, count
        ? `Удалить группу «${group.name}»? Её лицевые счета (${count}) перейдут в группу «${fallback?.name || ''}».`
        : `Удалить группу «${group.name}»?`, 'Удалить', async () => {
        const gone = await api('DELETE', `/api/v1/groups/${encodeURIComponent(group.group_id)}`, undefined, { key });
        await draw(gone.moved_accounts
          ? `Группа «${group.name}» удалена, лицевых счетов перенесено: ${gone.moved_accounts}.`
          : `Группа «${group.name}» удалена.`);
        main.querySelector('h1')?.focus();
      });
    }

    function creation() {
      const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'new-group' },
        h('h2', { id: 'new-group', text: 'Новая группа' }),
        alertBox(),
        field('Название группы', 'name', { required: true, maxlength: 100, autocomplete: 'off' },
          'Например: «Дача» или «Офис на Невском».'),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button', text: 'Создать группу' })));
      onSubmit(form, async (v) => {
        await post('/api/v1/groups', { name: v.name || '' });
        await draw(`Группа «${v.name.trim()}» создана.`);
      });
      return form;
    }

    await draw();
  },
};

// «Заявки»: my service requests (GET /api/v1/service-requests, meter-data error reports included), a new one
// (POST: electrical or plumbing work at an account's premise, an optional preferred time), one request with
// its history (GET /{id}) and cancelling it while it is new (POST /{id}/cancel).

import { get, post } from '../api.js';
import { fill, h, heading, moment } from '../dom.js';
import { alertBox, field, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { REQUEST_STATUS, REQUEST_TYPE, accountTitle, radios, select, textarea } from './accounts_common.js';

const title = (r) => `${REQUEST_TYPE[r.type] || r.type} от ${moment(r.created_at)}`;

export const list = {
  title: 'Заявки',
  async render(main) {
    const { requests } = await get('/api/v1/service-requests');
    fill(main, heading('Заявки'),
      h('p', {}, h('a', { class: 'button', href: '/requests/new', text: 'Новая заявка' })),
      requests.length === 0 ? h('p', { class: 'empty', text: 'Заявок пока нет.' })
        : h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Мои заявки' }, h('table', {},
          h('caption', { class: 'visually-hidden', text: 'Мои заявки, новые сверху' }),
          h('thead', {}, h('tr', {}, ['Заявка', 'Лицевой счёт', 'Адрес', 'Статус', 'Изменена']
            .map((t) => h('th', { scope: 'col', text: t })))),
          h('tbody', {}, requests.map((r) => h('tr', {},
            h('th', { scope: 'row' }, h('a', { href: `/requests/${r.request_id}`, text: title(r) })),
            h('td', { text: r.account_number }),
            h('td', { text: r.address }),
            h('td', {}, h('span', { class: `status status--${r.status}`, text: REQUEST_STATUS[r.status] || r.status })),
            h('td', { text: moment(r.updated_at) })))))));
  },
};

/** datetime-local «2026-12-05T10:00» (the browser's zone) → ISO 8601 with the zone, as the API asks. */
function isoLocal(value) {
  if (!value) return '';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

export const create = {
  title: 'Новая заявка',
  async render(main, _params, query) {
    const { accounts } = await get('/api/v1/accounts');
    if (!accounts.length) {
      fill(main, heading('Новая заявка'), h('p', { class: 'empty' }, 'Заявку можно подать по лицевому счёту: ',
        h('a', { href: '/accounts/add', text: 'добавьте лицевой счёт' }), '.'));
      return;
    }
    const options = accounts.map((a) => [a.account_id, `${accountTitle(a)}${a.alias ? ` (№ ${a.number})` : ''} — ${a.address}`]);
    const form = h('form', { class: 'form', novalidate: true },
      alertBox(),
      select('Лицевой счёт', 'account_id', options, query.get('account') || accounts[0].account_id, {},
        'Работы выполняются по адресу помещения этого счёта.'),
      radios('Вид работ', 'type', [['electrical', REQUEST_TYPE.electrical], ['plumbing', REQUEST_TYPE.plumbing]], 'electrical'),
      textarea('Что нужно сделать', 'description', { required: true, maxlength: 4000 },
        'Опишите работы: например, заменить розетку на кухне.'),
      h('fieldset', {}, h('legend', { text: 'Удобное время (необязательно)' }),
        field('С', 'preferred_from', { type: 'datetime-local' }),
        field('По', 'preferred_to', { type: 'datetime-local' })),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button', text: 'Отправить заявку' }),
        h('a', { class: 'button button--secondary', href: '/requests', text: 'Отменить' })));
    onSubmit(form, async (v) => {
      const body = { account_id: v.account_id, type: v.type || 'electrical', description: v.description || '' };
      if (v.preferred_from) body.preferred_from = isoLocal(v.preferred_from);
      if (v.preferred_to) body.preferred_to = isoLocal(v.preferred_to);
      const created = await post('/api/v1/service-requests', body);
      await navigate(`/requests/${created.request_id}?created=1`);
    });
    fill(main, heading('Новая заявка'),
      h('p', { text: 'Электромонтажные и сантехнические работы в помещении. Об ошибке в данных счётчика сообщите на странице лицевого счёта.' }),
      form);
  },
};

export const one = {
  title: 'Заявка',
  async render(main, params, query) {
    const r = await get(`/api/v1/service-requests/${encodeURIComponent(params.id)}`);
    const when = r.preferred_from || r.preferred_to
      ? `${r.preferred_from ? `с ${moment(r.preferred_from)}` : ''}${r.preferred_to ? ` по ${moment(r.preferred_to)}` : ''}`.trim() : null;
    const cancel = h('form', { class: 'form', novalidate: true },
      alertBox(),
      textarea('Причина отмены (необязательно)', 'comment', { maxlength: 4000, rows: 2 }),
      h('button', { type: 'submit', class: 'button button--secondary', text: 'Отменить заявку' }));
    onSubmit(cancel, async (v) => {
      await post(`/api/v1/service-requests/${r.request_id}/cancel`, { comment: v.comment || '' });
      await navigate(`/requests/${r.request_id}?cancelled=1`, { replace: true });
    });
    const note = query.get('created') ? 'Заявка отправлена.' : query.get('cancelled') ? 'Заявка отменена.' : null;
    document.title = `${title(r)} — Личный кабинет`;
    fill(main, heading(title(r)),
      note ? h('p', { class: 'success', role: 'status', text: note }) : null,
      h('dl', { class: 'facts' },
        h('dt', { text: 'Статус' }), h('dd', {}, h('span', { class: `status status--${r.status}`, text: REQUEST_STATUS[r.status] || r.status })),
        h('dt', { text: 'Лицевой счёт' }), h('dd', {}, h('a', { href: `/accounts/${r.account_id}`, text: r.account_number })),
        h('dt', { text: 'Адрес' }), h('dd', { text: r.address }),
        when ? [h('dt', { text: 'Удобное время' }), h('dd', { text: when })] : null,
        h('dt', { text: 'Описание' }), h('dd', { class: 'pre', text: r.description })),
      h('h2', { text: 'История' }),
      h('ol', { class: 'timeline' }, (r.history || []).map((step) => h('li', {},
        h('strong', { text: REQUEST_STATUS[step.status] || step.status }), ` — ${moment(step.at)}`,
        step.actor === 'staff' ? ' (сотрудник)' : step.actor === 'customer' ? ' (вы)' : '',
        step.comment ? h('p', { class: 'muted', text: step.comment }) : null))),
      r.status === 'new' ? [h('h2', { text: 'Отмена заявки' }), h('p', { text: 'Заявку можно отменить, пока её не приняли в работу.' }), cancel] : null,
      h('p', { class: 'back' }, h('a', { href: '/requests', text: 'Все заявки' })));
  },
};

// The account page (GET /api/v1/accounts/{id}): the premise, the meters (zones, verification date), how bills
// come (PATCH bill_delivery), the alias and group (PATCH; a new group through POST /groups), «Сообщить об
// ошибке» in the meter's data (POST meter-error: a service request for staff), and unbinding (DELETE).

import { api, get, post } from '../api.js';
import { day, fill, h, heading } from '../dom.js';
import { alertBox, field, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { DELIVERY, STOVE, accountNav, accountTitle, meterTitle, radios, say, select, statusBox, textarea,
  zoneTitle } from './accounts_common.js';

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([term, value]) => [h('dt', { text: term }), h('dd', { text: String(value) })]));
}

function meters(account) {
  if (!account.meters.length) return h('p', { class: 'muted', text: 'Сведений о приборах учёта нет.' });
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Приборы учёта' }, h('table', {},
    h('caption', { class: 'visually-hidden', text: 'Приборы учёта' }),
    h('thead', {}, h('tr', {}, ['Номер', 'Модель', 'Тарифные зоны', 'Разрядность', 'КТ', 'Следующая поверка']
      .map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, account.meters.map((m) => h('tr', {},
      h('th', { scope: 'row', text: m.number }),
      h('td', { text: m.model || '—' }),
      h('td', { text: (m.zone_names || []).map(zoneTitle).join(', ') || String(m.zones) }),
      h('td', { text: String(m.digits) }),
      h('td', { text: m.ratio || '1' }),
      h('td', { text: m.verification_due ? day(m.verification_due) : '—' }))))));
}

function deliveryForm(account, done) {
  const form = h('form', { class: 'form', novalidate: true },
    alertBox(),
    radios('Способ получения счёта', 'bill_delivery', Object.entries(DELIVERY), account.bill_delivery),
    h('button', { type: 'submit', class: 'button button--secondary', text: 'Сохранить способ' }));
  onSubmit(form, async (v) => {
    const saved = await api('PATCH', `/api/v1/accounts/${account.account_id}`, { bill_delivery: v.bill_delivery });
    say(done, `Сохранено: ${DELIVERY[saved.bill_delivery].toLowerCase()}.`);
  });
  return form;
}

function nameForm(account, groups, done, onSaved) {
  const options = groups.map((g) => [g.group_id, g.name]);
  const form = h('form', { class: 'form', novalidate: true },
    alertBox(),
    field('Псевдоним', 'alias', { value: account.alias || '', autocomplete: 'off', maxlength: 256 },
      'Например «Дача». Оставьте пустым, чтобы показывать номер счёта.'),
    select('Группа', 'group_id', options, account.group?.group_id || ''),
    field('Или новая группа', 'name', { autocomplete: 'off', maxlength: 256 },
      'Введите название, чтобы создать группу и перенести в неё счёт.'),
    h('button', { type: 'submit', class: 'button button--secondary', text: 'Сохранить название и группу' }));
  onSubmit(form, async (v) => {
    let groupId = v.group_id;
    if (v.name) groupId = (await post('/api/v1/groups', { name: v.name })).group_id;
    const saved = await api('PATCH', `/api/v1/accounts/${account.account_id}`, { alias: v.alias || '', group_id: groupId });
    onSaved(saved);
    say(done, `Сохранено: «${accountTitle(saved)}» в группе «${saved.group?.name || ''}».`);
  });
  return form;
}

function errorForm(account) {
  const done = statusBox();
  const options = [['', 'Не знаю / все счётчики'], ...account.meters.map((m) => [m.meter_id, meterTitle(m)])];
  const form = h('form', { class: 'form', novalidate: true },
    alertBox(),
    account.meters.length ? select('Счётчик', 'meter_id', options, account.meters.length === 1 ? account.meters[0].meter_id : '') : null,
    textarea('Что не так', 'description', { required: true, maxlength: 4000 },
      'Например: неверная модель или номер счётчика, ошибочные показания в истории.'),
    h('button', { type: 'submit', class: 'button button--secondary', text: 'Отправить сообщение об ошибке' }));
  onSubmit(form, async (v) => {
    const body = { description: v.description || '' };
    if (v.meter_id) body.meter_id = v.meter_id;
    const created = await post(`/api/v1/accounts/${account.account_id}/meter-error`, body);
    form.reset();
    say(done, 'Сообщение принято: ', h('a', { href: `/requests/${created.request_id}`, text: 'заявка на проверку данных' }),
      '. Статус — в разделе «Заявки».');
  });
  return [done, form];
}

function unbindBox(account) {
  const alert = alertBox();
  const confirmBox = h('div', { class: 'confirm', hidden: true },
    h('p', { text: `Отвязать лицевой счёт ${account.number} от кабинета? Начисления и платежи останутся у поставщика; `
      + 'добавить счёт снова можно в любой момент.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button button--danger', text: 'Да, отвязать', onclick: remove }),
      h('button', { type: 'button', class: 'button button--secondary', text: 'Не отвязывать', onclick: () => {
        confirmBox.hidden = true; ask.hidden = false; ask.focus();
      } })));
  const ask = h('button', { type: 'button', class: 'button button--secondary', text: 'Отвязать лицевой счёт', onclick: () => {
    ask.hidden = true; confirmBox.hidden = false; confirmBox.querySelector('button').focus();
  } });
  async function remove() {
    try {
      await api('DELETE', `/api/v1/accounts/${account.account_id}`);
      await navigate('/');
    } catch (error) {
      alert.textContent = error.message;
      alert.hidden = false;
    }
  }
  return [alert, ask, confirmBox];
}

export default {
  title: 'Лицевой счёт',
  async render(main, params, query) {
    const [account, groups] = await Promise.all([get(`/api/v1/accounts/${encodeURIComponent(params.id)}`),
      get('/api/v1/groups').then((g) => g.groups || []).catch(() => [])]);
    const title = heading(accountTitle(account));
    const premise = account.premise || {};
    const savedDelivery = statusBox();
    const savedName = statusBox();
    const added = query.get('added') ? h('p', { class: 'success', role: 'status', text: 'Лицевой счёт добавлен в кабинет.' }) : null;
    fill(main, title, added, accountNav(account, `/accounts/${account.account_id}`),
      facts([['Номер лицевого счёта', account.number], ['Поставщик', account.supplier_name], ['Владелец', account.holder],
        ['Группа', account.group?.name]]),
      account.automatic_metering ? h('p', { class: 'notice', text: 'Показания этого счёта поступают автоматически (АИИС КУЭ).' }) : null,
      h('p', { class: 'actions' },
        account.automatic_metering ? null
          : h('a', { class: 'button', href: `/accounts/${account.account_id}/readings`, text: 'Передать показания' }),
        h('a', { class: 'button button--secondary', href: `/pay?account=${account.account_id}`, text: 'Оплатить' }),
        h('a', { class: 'button button--secondary', href: `/accounts/${account.account_id}/money`, text: 'Начисления и квитанции' })),
      h('section', { 'aria-labelledby': 'premise' }, h('h2', { id: 'premise', text: 'Помещение' }),
        facts([['Адрес', premise.address || account.address],
          ['Площадь', premise.area_m2 ? `${String(premise.area_m2).replace('.', ',')} м²` : null],
          ['Проживающих', premise.residents], ['Плита', STOVE[premise.stove] || null]])),
      h('section', { 'aria-labelledby': 'meters' }, h('h2', { id: 'meters', text: 'Приборы учёта' }), meters(account)),
      h('section', { 'aria-labelledby': 'delivery' }, h('h2', { id: 'delivery', text: 'Доставка квитанций' }),
        savedDelivery, deliveryForm(account, savedDelivery)),
      h('section', { 'aria-labelledby': 'naming' }, h('h2', { id: 'naming', text: 'Название и группа' }),
        savedName, nameForm(account, groups, savedName, (saved) => {
          title.textContent = accountTitle(saved);
          document.title = `${accountTitle(saved)} — Личный кабинет`;
        })),
      h('section', { 'aria-labelledby': 'report' }, h('h2', { id: 'report', text: 'Сообщить об ошибке' }),
        h('p', { text: 'Если в данных счётчика или в показаниях ошибка, напишите нам — сотрудник проверит и ответит в заявке.' }),
        errorForm(account)),
      h('section', { 'aria-labelledby': 'unbind' }, h('h2', { id: 'unbind', text: 'Отвязать счёт' }), unbindBox(account)));
    document.title = `${accountTitle(account)} — Личный кабинет`;
  },
};

// Legal entities' contracts: «Договоры» (my contracts, «Добавить договор» by its number and an e-mail written in
// it), the e-mail link's landing /contracts/confirm?token=…, and a contract's page — its details, «Экспорт в
// Excel», removal, «Документы по договору» (счёт, счёт-фактура, акт in PDF) and the meters of its account with
// their interval profiles.

import { api, get, newKey, post } from '../api.js';
import { day, fill, h, heading, month, rub } from '../dom.js';
import { alertBox, askFirst, captcha, field, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { me } from '../session.js';
import { PROFILE_STATUS, kwh7 } from './care_common.js';

const digits = (number) => String(number || '').replace(/\D/g, '');

/** The contract's own account (a legal entity's лицевой счёт is numbered as its contract), if it is in my cabinet. */
export async function contractAccounts(contract) {
  const accounts = await get('/api/v1/accounts').then((r) => r.accounts || []);
  return accounts.filter((a) => digits(a.number) === digits(contract.number));
}

export const meterTitle = (m) => `Счётчик № ${m.number}${m.model ? ` (${m.model})` : ''}`;

function contractCard(c) {
  return h('li', { class: 'card' },
    h('h3', { class: 'card__title' }, h('a', { href: `/contracts/${encodeURIComponent(c.contract_id)}`,
      text: `Договор № ${c.number}` })),
    c.holder ? h('p', { text: c.holder }) : null,
    c.address ? h('p', { class: 'muted', text: c.address }) : null,
    c.supplier_name ? h('p', { class: 'muted', text: `Поставщик: ${c.supplier_name}` }) : null);
}

export const list = {
  title: 'Договоры',
  async render(main) {
    const { contracts = [] } = await get('/api/v1/contracts');
    const done = h('div', { class: 'success', role: 'status', hidden: true });
    const slot = h('div');
    let challenge = null;
    let key = newKey();
    const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'care-bind' },
      alertBox(),
      field('Номер договора', 'number', { inputmode: 'numeric', autocomplete: 'off', required: true },
        '14 цифр, как в договоре энергоснабжения.'),
      field('Электронная почта из договора', 'email', { type: 'email', autocomplete: 'email', required: true },
        'Любой адрес из раздела «Реквизиты сторон» договора или дополнительных соглашений. На него придёт ссылка '
        + 'для подтверждения.'),
      slot,
      h('button', { type: 'submit', class: 'button', text: 'Добавить договор' }));
    onSubmit(form, async (v) => {
      done.hidden = true;
      let reply;
      try {
        reply = await post('/api/v1/contracts', { number: v.number || '', email: v.email || '',
          ...(v.captcha_id ? { captcha_id: v.captcha_id, captcha_answer: v.captcha_answer || '' } : {}) }, { key });
      } catch (error) {
        if (error.status !== 0) key = newKey();
        if (error.code === 'captcha_required' || error.code === 'captcha_invalid') {
          if (!challenge) { challenge = captcha(); slot.append(challenge); } else challenge.reload();
        }
        throw error;
      }
      key = newKey();
      done.replaceChildren(h('p', { text: reply.detail || 'Если номер и адрес совпадают с договором, на адрес отправлено письмо со ссылкой.' }),
        h('p', { text: 'Перейдите по ссылке из письма, чтобы завершить привязку договора.' }));
      done.hidden = false;
      done.tabIndex = -1;
      done.focus();
      form.reset();
      if (challenge) { challenge.remove(); challenge = null; }
    });
    fill(main, heading('Договоры'),
      contracts.length ? h('ul', { class: 'cards' }, contracts.map(contractCard))
        : h('p', { class: 'empty', text: 'В личном кабинете пока нет договоров. Добавьте договор энергоснабжения, '
          + 'чтобы видеть документы и передавать интервальные показания.' }),
      h('h2', { id: 'care-bind', text: 'Добавить договор' }),
      h('p', { text: 'Договор можно добавить только в один личный кабинет, но к одному кабинету можно привязать '
        + 'несколько договоров.' }),
      done, form);
  },
};

export const confirm = {
  title: 'Подтверждение договора',
  guest: true,
  async render(main, _params, query) {
    const token = query.get('token');
    if (!token) {
      fill(main, heading('Подтверждение договора'), h('p', { class: 'alert', role: 'alert',
        text: 'В ссылке нет кода подтверждения. Откройте ссылку из письма целиком или скопируйте её в адресную строку.' }));
      return;
    }
    let reply;
    try {
      reply = await post('/api/v1/contracts/confirm', { token });
    } catch (error) {
      fill(main, heading('Подтверждение договора'), h('p', { class: 'alert', role: 'alert', text: error.message }),
        h('p', {}, 'Запросите новую ссылку в разделе ', h('a', { href: '/contracts', text: 'Договоры' }), '.'));
      return;
    }
    history.replaceState({}, '', '/contracts/confirm');  // the token is spent: keep it out of the history
    const user = await me().catch(() => null);
    fill(main, heading('Договор добавлен'),
      h('p', { class: 'success', role: 'status', text: reply.detail || `Договор ${reply.number} добавлен в личный кабинет.` }),
      h('p', {}, user
        ? h('a', { class: 'button', href: `/contracts/${encodeURIComponent(reply.contract_id)}`, text: `Открыть договор № ${reply.number}` })
        : h('a', { class: 'button', href: `/login?next=${encodeURIComponent(`/contracts/${reply.contract_id}`)}`,
          text: 'Войти в личный кабинет' })));
  },
};

function documentsTable(documents) {
  if (!documents.length) return h('p', { class: 'empty', text: 'Документов по договору пока нет.' });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'care-table' },
    h('caption', { class: 'care-hidden', text: 'Документы по договору' }),
    h('thead', {}, h('tr', {}, ['Документ', 'Период', 'Номер', 'Дата', 'Сумма с НДС', 'В т. ч. НДС', 'Файл']
      .map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, documents.map((d) => h('tr', {},
      h('th', { scope: 'row', text: d.title || d.kind }),
      h('td', { text: month(d.period) }),
      h('td', { text: d.number }),
      h('td', { text: day(d.issued_on) }),
      h('td', { class: 'care-num', text: rub(d.amount_kop) }),
      h('td', { class: 'care-num', text: rub(d.vat_kop) }),
      h('td', {}, h('a', { href: d.pdf || `/api/v1/contract-documents/${d.document_id}.pdf`, download: true },
        'Скачать PDF', h('span', { class: 'care-hidden', text: `: ${d.title} № ${d.number} за ${month(d.period)}` }))))))));
}

function removal(contract) {
  const key = newKey();
  return askFirst('Удалить договор из кабинета',
    `Удалить договор № ${contract.number} из личного кабинета? Документы и интервальные показания по нему `
      + 'перестанут быть видны здесь; договор можно будет добавить снова.', 'Удалить', async () => {
      await api('DELETE', `/api/v1/contracts/${encodeURIComponent(contract.contract_id)}`, undefined, { key });
      await navigate('/contracts');
    });
}

/** The newest profile of a meter in a line: «ноябрь 2026 г.: В ожидании, расход интервальный …, «Дельта» …». */
function latest(profile) {
  if (!profile) return h('p', { class: 'muted', text: 'Интервальные показания ещё не передавались.' });
  return h('p', { text: `Последний профиль — ${month(profile.period)}: ${PROFILE_STATUS[profile.status] || profile.status}, `
    + `расход интервальный ${kwh7(profile.total_kwh)}, «Дельта» ${kwh7(profile.delta_kwh)}.` });
}

function metersBlock(contract, accounts, profiles) {
  if (!accounts.length) {
    return h('p', {}, 'Лицевой счёт договора не добавлен в личный кабинет. ',
      h('a', { href: '/accounts/add', text: 'Добавьте лицевой счёт' }),
      ` с номером ${contract.number}, чтобы передавать интервальные показания по его счётчикам.`);
  }
  const meters = accounts.flatMap((a) => (a.meters || []).map((m) => [a, m]));
  if (!meters.length) return h('p', { class: 'empty', text: 'У лицевого счёта договора нет счётчиков.' });
  return h('ul', { class: 'care-list' }, meters.map(([a, m]) => h('li', {},
    h('h3', { text: meterTitle(m) }),
    m.ratio ? h('p', { class: 'muted', text: `КТ (коэффициент трансформации): ${m.ratio}` }) : null,
    a.automatic_metering ? null : latest(profiles.find((p) => p.meter_id === m.meter_id)),
    a.automatic_metering
      ? h('p', { class: 'muted', text: 'АИИС КУЭ: почасовые значения поступают автоматически.' })
      : h('p', {}, h('a', { href: `/contracts/${encodeURIComponent(contract.contract_id)}/meters/${encodeURIComponent(m.meter_id)}`,
        text: `Интервальные показания: счётчик № ${m.number}` })))));
}

export const view = {
  title: 'Договор',
  async render(main, params) {
    const id = encodeURIComponent(params.id);
    const contract = await get(`/api/v1/contracts/${id}`);
    document.title = `Договор № ${contract.number} — Личный кабинет`;
    const [documents, accounts, profiles] = await Promise.all([
      get(`/api/v1/contracts/${id}/documents`).then((r) => r.documents || []).catch((error) => error),
      contractAccounts(contract).catch(() => []),
      // newest month first: the first of a meter is its latest
      get(`/api/v1/interval-profiles?contract=${encodeURIComponent(digits(contract.number))}&page_size=50`)
        .then((r) => r.profiles || []).catch(() => [])]);
    const row = (term, value) => (value ? [h('dt', { text: term }), h('dd', { text: value })] : null);
    fill(main, h('p', { class: 'care-back' }, h('a', { href: '/contracts', text: 'Все договоры' })),
      heading(`Договор № ${contract.number}`),
      h('dl', { class: 'care-details' },
        row('Потребитель', contract.holder), row('ИНН', contract.inn), row('Адрес', contract.address),
        row('Поставщик', contract.supplier_name), row('Электронная почта', (contract.emails || []).join(', ')),
        row('Добавлен в кабинет', contract.bound_at ? day(contract.bound_at) : '')),
      h('p', { class: 'care-actions' },
        h('a', { class: 'button button--secondary', href: `/api/v1/contracts/${id}/export.xlsx`, download: true,
          text: 'Экспорт в Excel' })),
      removal(contract),
      h('h2', { text: 'Документы по договору' }),
      documents instanceof Error ? h('p', { class: 'alert', role: 'alert', text: documents.message }) : documentsTable(documents),
      h('h2', { text: 'Счётчики и интервальные показания' }),
      metersBlock(contract, accounts, profiles));
  },
};

// «Обратная связь» (/feedback): «Отправить сообщение» — signed in (topic, text, optionally one of my accounts,
// up to 3 files as multipart) or without signing in on the same address (name, contacts, address, captcha) —
// and, signed in, «Мои сообщения» with the supplier's replies.

import { api, get, newKey } from '../api.js';
import { fill, h, heading, moment } from '../dom.js';
import { alertBox, captcha, field, onSubmit } from '../forms.js';
import { me } from '../session.js';
import { FEEDBACK_STATUS, TOPIC, foldFileErrors, pager, selectField, textareaField } from './care_common.js';

const TOPICS = [['', 'Выберите тему'], ...Object.entries(TOPIC)];
const FILES_HINT = 'До 3 файлов: PDF, JPEG или PNG, не больше 2 МБ каждый. Необязательно.';

function filesField() {
  return field('Файлы', 'files', { type: 'file', class: 'care-file', multiple: true,
    accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png' }, FILES_HINT);
}

/** The message as JSON, or as multipart/form-data when files are attached. */
function message(form, fields) {
  const files = form.querySelector('input[type="file"]').files;
  if (!files.length) return fields;
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  for (const file of files) data.append('files', file, file.name);
  return data;
}

async function send(path, form, fields, key) {
  try {
    return await api('POST', path, message(form, fields), { key });
  } catch (error) {
    throw foldFileErrors(error);
  }
}

function sent(box, reply, extra) {
  box.replaceChildren(h('p', {}, h('strong', { text: `Сообщение отправлено. Номер обращения: ${reply.number}.` })),
    h('p', { text: extra }));
  box.hidden = false;
  box.tabIndex = -1;
  box.focus();
}

function draw(m) {
  const titleId = `care-fb-${m.feedback_id}`;
  return h('li', { class: 'care-message' },
    h('h3', { id: titleId, text: `Обращение № ${m.number}: ${TOPIC[m.topic] || m.topic}` }),
    h('p', { class: 'muted' }, h('time', { datetime: m.created_at || '', text: moment(m.created_at) }),
      ` · ${FEEDBACK_STATUS[m.status] || m.status}`),
    h('p', { class: 'care-message__text', text: m.text }),
    m.attachments && m.attachments.length
      ? h('p', { class: 'muted', text: `Файлы: ${m.attachments.map((a) => a.filename).join(', ')}` }) : null,
    m.replies && m.replies.length
      ? h('div', { class: 'care-replies' }, m.replies.map((r) => h('div', { class: 'care-reply' },
        h('p', { class: 'care-reply__head' }, h('strong', { text: 'Ответ' }), ' ',
          h('time', { class: 'muted', datetime: r.created_at || '', text: moment(r.created_at) })),
        h('p', { class: 'care-message__text', text: r.text }))))
      : h('p', { class: 'muted', text: 'Ответа пока нет.' }));
}

async function signedIn(main) {
  const accounts = await get('/api/v1/accounts').then((r) => r.accounts || []).catch(() => []);
  const done = h('div', { class: 'success', role: 'status', hidden: true });
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'care-send' },
    alertBox(),
    selectField('Тема', 'topic', TOPICS, { required: true }),
    textareaField('Текст сообщения', 'text', { required: true, maxlength: 8000 }),
    accounts.length ? selectField('Лицевой счёт', 'account_id',
      [['', 'Не относится к лицевому счёту'], ...accounts.map((a) => [a.account_id,
        `${a.alias || `№ ${a.number}`}${a.address ? `, ${a.address}` : ''}`])], {},
      'Необязательно: о каком лицевом счёте сообщение.') : null,
    filesField(),
    h('button', { type: 'submit', class: 'button', text: 'Отправить' }));
  const list = h('ul', { class: 'care-list' });
  const empty = h('p', { class: 'empty', hidden: true, text: 'Вы ещё не отправляли сообщений.' });
  let key = newKey();
  onSubmit(form, async (v) => {
    done.hidden = true;
    const fields = { topic: v.topic || '', text: v.text || '' };
    if (v.account_id) fields.account_id = v.account_id;
    let reply;
    try {
      reply = await send('/api/v1/feedback', form, fields, key);
    } catch (error) {
      if (error.status !== 0) key = newKey();  // the same key only to retry what never reached the server
      throw error;
    }
    key = newKey();
    form.reset();
    empty.hidden = true;
    list.prepend(draw(reply));
    sent(done, reply, 'Ответ появится здесь, в разделе «Мои сообщения», и придёт уведомлением.');
  });
  const more = pager(list, async (cursor) => {
    const params = new URLSearchParams({ page_size: '10' });
    if (cursor) params.set('cursor', cursor);
    const page = await get(`/api/v1/feedback?${params}`);
    return { items: page.items || [], next: page.next_cursor };
  }, draw, { empty });
  fill(main, heading('Обратная связь'),
    h('p', {}, 'Задайте вопрос, сообщите об ошибке или оставьте пожелание. Ответы на частые вопросы — в разделе ',
      h('a', { href: '/help', text: 'Помощь' }), '.'),
    h('h2', { id: 'care-send', text: 'Отправить сообщение' }), done, form,
    h('h2', { text: 'Мои сообщения' }), list, empty, more.box);
  await more.first();
}

function guest(main) {
  const done = h('div', { class: 'success', role: 'status', hidden: true });
  const challenge = captcha();
  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'care-send' },
    alertBox(),
    field('Имя', 'name', { autocomplete: 'name', required: true }),
    field('Электронная почта', 'email', { type: 'email', autocomplete: 'email' },
      'Укажите электронную почту или телефон: туда придёт ответ.'),
    field('Телефон', 'phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel' }),
    field('Адрес', 'address', { autocomplete: 'street-address', required: true }, 'Адрес, по которому вы получаете электроэнергию.'),
    selectField('Тема', 'topic', TOPICS, { required: true }),
    textareaField('Текст сообщения', 'text', { required: true, maxlength: 8000 }),
    filesField(),
    challenge,
    h('button', { type: 'submit', class: 'button', text: 'Отправить' }));
  let key = newKey();
  onSubmit(form, async (v) => {
    done.hidden = true;
    const fields = { name: v.name || '', address: v.address || '', topic: v.topic || '', text: v.text || '',
      captcha_id: v.captcha_id || '', captcha_answer: v.captcha_answer || '' };
    if (v.email) fields.email = v.email;
    if (v.phone) fields.phone = v.phone;
    let reply;
    try {
      reply = await send('/api/v1/public/feedback', form, fields, key);
    } catch (error) {
      challenge.reload().catch(() => {});  // a captcha is good for one try
      if (error.status !== 0) key = newKey();
      throw error;
    }
    key = newKey();
    form.reset();
    challenge.reload().catch(() => {});
    sent(done, reply, reply.email ? 'Ответ придёт на указанную электронную почту.' : 'Ответ придёт SMS на указанный телефон.');
  });
  fill(main, heading('Обратная связь'),
    h('p', {}, 'Задать вопрос или оставить пожелание можно без входа в личный кабинет: укажите имя, контакты и адрес. ',
      'Ответы на частые вопросы — в разделе ', h('a', { href: '/help', text: 'Помощь' }), '.'),
    h('p', {}, h('a', { href: '/login?next=%2Ffeedback', text: 'Войдите' }),
      ', чтобы видеть свои сообщения и ответы на них в личном кабинете.'),
    h('h2', { id: 'care-send', text: 'Отправить сообщение' }), done, form);
}

export default {
  title: 'Обратная связь',
  guest: true,
  async render(main) {
    const user = await me().catch(() => null);
    if (user) await signedIn(main);
    else guest(main);
  },
};

// Forms: labelled fields with their hint and error, the server's messages next to the fields they name,
// a summary that screen readers announce, and the captcha widget (picture, refresh, audio).

import { ApiError, get } from './api.js';
import { h, uid } from './dom.js';

/** A labelled control (`tag`: input, select, textarea) with its hint and the error slot; `name` is the API's
 * field name, so the server's errors find it. */
function labelled(tag, label, name, attrs, hint, ...children) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : null;
  return h('div', { class: 'field' },
    h('label', { for: id, text: label }),
    hint ? h('p', { class: 'hint', id: hintId, text: hint }) : null,
    h(tag, { id, name, ...attrs, 'aria-describedby': [hintId, `${id}-error`].filter(Boolean).join(' ') }, ...children),
    h('p', { class: 'error', id: `${id}-error` }));
}

/** A labelled input. */
export function field(label, name, attrs = {}, hint = '') {
  return labelled('input', label, name, attrs, hint);
}

/** A labelled textarea. */
export function textarea(label, name, attrs = {}, hint = '') {
  return labelled('textarea', label, name, { rows: 4, ...attrs }, hint);
}

/** A password input with «Показать пароль». */
export function passwordField(label, name, attrs = {}, hint = '') {
  const wrapper = field(label, name, { type: 'password', autocomplete: 'current-password', ...attrs }, hint);
  const input = wrapper.querySelector('input');
  const toggle = h('button', { type: 'button', class: 'link', 'aria-pressed': 'false', 'aria-controls': input.id,
    text: 'Показать пароль' });
  toggle.addEventListener('click', () => {
    const shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(shown));
    toggle.textContent = shown ? 'Скрыть пароль' : 'Показать пароль';
  });
  input.after(toggle);
  return wrapper;
}

export function checkbox(label, name, attrs = {}) {
  const id = uid(name);
  return h('div', { class: 'check' }, h('input', { type: 'checkbox', id, name, ...attrs }), h('label', { for: id, text: label }));
}

export function alertBox() {
  return h('div', { class: 'alert', role: 'alert', 'aria-live': 'assertive', hidden: true });
}

/** Clears the messages of the last attempt. */
export function clearErrors(form) {
  form.querySelectorAll('.error').forEach((p) => { p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const alert = form.querySelector('.alert');
  if (alert) { alert.hidden = true; alert.textContent = ''; }
}

function flatten(errors, prefix = '') {
  const out = [];
  for (const [key, value] of Object.entries(errors || {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out.push([name, value.join(' ')]);
    else if (typeof value === 'string') out.push([name, value]);
    else if (value && typeof value === 'object') out.push(...flatten(value, name));
  }
  return out;
}

/** The server's answer on the form: each field's message under it, the whole in the summary; focus moves to
 * the first field in error (or the summary). */
export function showError(form, error) {
  clearErrors(form);
  const problem = error instanceof ApiError ? error : new ApiError(0, { detail: String(error.message || error) });
  const alert = form.querySelector('.alert');
  let first = null;
  const unplaced = [];
  for (const [name, message] of flatten(problem.errors)) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`) || form.querySelector(`[name="${CSS.escape(name.split('.').pop())}"]`);
    const slot = input && document.getElementById(`${input.id}-error`);
    if (slot) {
      slot.textContent = message;
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    } else {
      unplaced.push(message);
    }
  }
  if (alert) {
    alert.textContent = [problem.message, ...unplaced].filter(Boolean).join(' ');
    alert.hidden = false;
  }
  (first || alert)?.focus?.();
  if (!first && alert) { alert.tabIndex = -1; alert.focus(); }
}

/** The form's named values (checkboxes as booleans, empty text left out). */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else if (el.value !== '') out[el.name] = el.value;
  }
  return out;
}

/** Runs `action` on submit: the button busy meanwhile, errors shown on the form. */
export function onSubmit(form, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    if (button?.getAttribute('aria-disabled') === 'true') return;
    button?.setAttribute('aria-disabled', 'true');
    clearErrors(form);
    try {
      await action(values(form));
    } catch (error) {
      showError(form, error);
    } finally {
      button?.removeAttribute('aria-disabled');
    }
  });
}

/** The captcha: its picture, an answer field, «Другая картинка» and «Прослушать». Adds captcha_id and
 * captcha_answer to the form's values. */
export function captcha() {
  const idInput = h('input', { type: 'hidden', name: 'captcha_id' });
  const answer = field('Символы с картинки', 'captcha_answer', { autocomplete: 'off', required: true,
    autocapitalize: 'characters', spellcheck: 'false' });
  const picture = h('img', { class: 'captcha__img', alt: 'Картинка с символами (капча)', width: 180, height: 60 });
  const audio = h('a', { class: 'link', text: 'Прослушать (цифры)' });
  const box = h('div', { class: 'captcha' }, idInput, picture,
    h('div', { class: 'captcha__actions' },
      h('button', { type: 'button', class: 'link', text: 'Другая картинка', onclick: () => load() }), audio),
    answer);
  async function load() {
    const previous = idInput.value ? `?previous=${encodeURIComponent(idInput.value)}` : '';
    const fresh = await get(`/api/v1/captcha${previous}`);
    idInput.value = fresh.captcha_id;
    picture.src = fresh.image;
    audio.href = fresh.audio_url;
    audio.setAttribute('download', 'kapcha.wav');
    answer.querySelector('input').value = '';
  }
  box.reload = load;
  load().catch(() => {});
  return box;
}

/** A labelled select: options as [value, text]; `selected` the value chosen (null: the browser's first). */
export function select(label, name, options, selected = '', attrs = {}, hint = '') {
  return labelled('select', label, name, attrs, hint,
    options.map(([value, text]) => h('option', { value, selected: selected !== null && value === selected, text })));
}

/** A button that asks before it acts: it shows `question` with `yes` and «Отмена»; `action` runs on yes, and
 * its error is shown (and focused) above the button. */
export function askFirst(askText, question, yesText, action) {
  const problem = alertBox();
  const ask = h('button', { type: 'button', class: 'button button--secondary', text: askText });
  const yes = h('button', { type: 'button', class: 'button button--danger', text: yesText });
  const no = h('button', { type: 'button', class: 'button button--secondary', text: 'Отмена' });
  const questionId = uid('ask');
  const said = h('p', { id: questionId, tabindex: '-1', text: question });
  const panel = h('div', { class: 'confirm', role: 'group', 'aria-labelledby': questionId, hidden: true },
    said, h('div', { class: 'actions' }, yes, no));
  ask.addEventListener('click', () => { panel.hidden = false; ask.hidden = true; said.focus(); });
  no.addEventListener('click', () => { panel.hidden = true; ask.hidden = false; ask.focus(); });
  yes.addEventListener('click', async () => {
    if (yes.getAttribute('aria-disabled') === 'true') return;
    yes.setAttribute('aria-disabled', 'true');
    try {
      await action();
    } catch (error) {
      problem.textContent = error.message;
      problem.hidden = false;
      problem.tabIndex = -1;
      problem.focus();
    } finally {
      yes.removeAttribute('aria-disabled');
    }
  });
  return h('div', {}, problem, h('p', {}, ask), panel);
}

// «Версия для слабовидящих»: larger type (×1.5, ×2), high contrast, wider spacing, images off — classes on
// <html>, remembered in this browser (localStorage).

import { h } from './dom.js';

const KEY = 'kabinet.vision';
const DEFAULT = { on: false, scale: '150', contrast: true, spacing: false, images: true };

export function settings() {
  try {
    return { ...DEFAULT, ...JSON.parse(localStorage.getItem(KEY) || '{}') };
  } catch {
    return { ...DEFAULT };
  }
}

export function apply(s = settings()) {
  const root = document.documentElement.classList;
  root.toggle('vi', s.on);
  root.toggle('vi-150', s.on && s.scale === '150');
  root.toggle('vi-200', s.on && s.scale === '200');
  root.toggle('vi-contrast', s.on && s.contrast);
  root.toggle('vi-spacing', s.on && s.spacing);
  root.toggle('vi-noimg', s.on && !s.images);
}

function save(s) {
  localStorage.setItem(KEY, JSON.stringify(s));
  apply(s);
}

function option(name, value, label, current) {
  const id = `vi-${name}-${value}`;
  return h('span', { class: 'check' },
    h('input', { type: 'radio', id, name: `vi-${name}`, value, checked: current === value }),
    h('label', { for: id, text: label }));
}

function toggle(name, label, checked) {
  const id = `vi-${name}`;
  return h('span', { class: 'check' }, h('input', { type: 'checkbox', id, name, checked }), h('label', { for: id, text: label }));
}

/** The eye button and its panel. */
export function init(button, panel) {
  apply();
  const render = () => {
    const s = settings();
    button.setAttribute('aria-pressed', String(s.on));
    panel.replaceChildren(
      h('h2', { text: 'Настройки для слабовидящих' }),
      h('form', { class: 'vision__form' },
        toggle('on', 'Включить версию для слабовидящих', s.on),
        h('fieldset', {}, h('legend', { text: 'Размер шрифта' }),
          option('scale', '150', 'Крупный (×1,5)', s.scale), option('scale', '200', 'Очень крупный (×2)', s.scale)),
        toggle('contrast', 'Высокая контрастность', s.contrast),
        toggle('spacing', 'Увеличенный интервал', s.spacing),
        toggle('images', 'Показывать изображения', s.images),
        h('button', { type: 'button', class: 'button', text: 'Закрыть', onclick: () => close() })));
    panel.querySelector('form').addEventListener('change', (event) => {
      const t = event.target;
      const next = settings();
      if (t.name === 'vi-scale') next.scale = t.value;
      else next[t.name] = t.checked;
      save(next);
      button.setAttribute('aria-pressed', String(next.on));
    });
  };
  const close = () => { panel.hidden = true; button.setAttribute('aria-expanded', 'false'); button.focus(); };
  button.addEventListener('click', () => {
    if (!panel.hidden) return close();
    render();
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    if (!settings().on) save({ ...settings(), on: true });
    render();
    panel.querySelector('input').focus();
  });
  panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
}

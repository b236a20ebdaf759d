// Page addresses: the History API, links inside the cabinet followed without a reload, the title and focus
// set for each page (its h1), pages that need a signed-in customer sent to /login?next=… first.

import { h } from './dom.js';
import { me } from './session.js';

const routes = [];

/** A page fetched when first visited: `file` under pages/, its export `name`. */
export function lazy(file, name = 'default') {
  let loaded;
  return () => (loaded ||= import(`./pages/${file}.js`).then((module) => module[name],
    (error) => { loaded = undefined; throw error; }));  // tried again on the next visit
}

/** `pattern` like "/accounts/:id/readings"; `page` = { title, guest?, render(main, params, query) } or lazy(…). */
export function route(pattern, page) {
  const keys = [];
  const source = pattern.replace(/:([a-z_]+)/g, (_, key) => { keys.push(key); return '([^/]+)'; });
  routes.push({ regex: new RegExp(`^${source}/?$`), keys, page });
}

function match(path) {
  for (const { regex, keys, page } of routes) {
    const found = regex.exec(path);
    if (found) return { page, params: Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(found[i + 1])])) };
  }
  return null;
}

let notFound;
let onRendered = () => {};
export function fallback(page) { notFound = page; }
export function afterRender(callback) { onRendered = callback; }

export function navigate(url, { replace = false } = {}) {
  history[replace ? 'replaceState' : 'pushState']({}, '', url);
  return render();
}

export async function render() {
  const main = document.getElementById('main');
  // the old page stays on screen while the new one's file and data arrive: busy until it is replaced
  main.setAttribute('aria-busy', 'true');
  try {
    return await renderInto(main);
  } finally {
    main.removeAttribute('aria-busy');
  }
}

async function renderInto(main) {
  const found = match(location.pathname) || { page: notFound, params: {} };
  const { params } = found;
  let page;
  try {
    page = typeof found.page === 'function' ? await found.page() : found.page;
  } catch {  // the page's file did not arrive (the network, a deployment under way)
    main.replaceChildren(h('h1', { tabindex: '-1', text: 'Не удалось загрузить страницу' }),
      h('p', { class: 'alert', role: 'alert', text: 'Проверьте соединение и обновите страницу.' }));
    return null;
  }
  const query = new URLSearchParams(location.search);
  if (!page.guest && !(await me())) {
    return navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }
  main.replaceChildren();
  document.title = `${page.title} — Личный кабинет`;
  try {
    await page.render(main, params, query);
  } catch (error) {
    main.replaceChildren(h('h1', { tabindex: '-1', text: page.title }),
      h('p', { class: 'alert', role: 'alert', text: error.message || 'Не удалось загрузить страницу.' }));
  }
  await onRendered(page);
  const title = main.querySelector('h1');
  if (title && document.activeElement !== title && !main.contains(document.activeElement)) title.focus();
  return page;
}

export function start() {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
        || event.altKey || link.target || link.hasAttribute('download') || link.origin !== location.origin
        || /^\/(api|staff|partners|dev|assets)\//.test(link.pathname)) return;
    event.preventDefault();
    navigate(link.pathname + link.search + link.hash);
  });
  window.addEventListener('popstate', () => render());
  return render();
}

// «Новости»: signed in, the news of my accounts' suppliers for my audience; a guest, the public news. A list a
// page at a time and one item with its paragraphs (plain text, web addresses as links).

import { get } from '../api.js';
import { day, fill, h, heading } from '../dom.js';
import { linkified, pager } from './care_common.js';

function draw(n) {
  const first = (n.paragraphs || [])[0] || '';
  return h('li', { class: 'care-news' },
    h('h2', { class: 'care-news__title' }, h('a', { href: `/news/${encodeURIComponent(n.news_id)}`, text: n.title })),
    n.published_at ? h('p', { class: 'muted' }, h('time', { datetime: n.published_at, text: day(n.published_at) })) : null,
    first ? h('p', { text: first.length > 240 ? `${first.slice(0, 237)}…` : first }) : null);
}

export const list = {
  title: 'Новости',
  guest: true,
  async render(main, _params, query) {
    const items = h('ul', { class: 'care-list' });
    const empty = h('p', { class: 'empty', hidden: true, text: 'Новостей пока нет.' });
    const supplier = query.get('supplier_id');
    const more = pager(items, async (cursor) => {
      const params = new URLSearchParams({ page_size: '10' });
      if (cursor) params.set('cursor', cursor);
      if (supplier) params.set('supplier_id', supplier);
      const page = await get(`/api/v1/news?${params}`);
      return { items: page.items || [], next: page.next_cursor };
    }, draw, { empty });
    fill(main, heading('Новости'), items, empty, more.box);
    await more.first();
  },
};

export const one = {
  title: 'Новость',
  guest: true,
  async render(main, params) {
    let n;
    try {
      n = await get(`/api/v1/news/${encodeURIComponent(params.id)}`);
    } catch (error) {
      if (error.status !== 404) throw error;
      fill(main, heading('Новость не найдена'),
        h('p', { text: error.message }),
        h('p', {}, h('a', { href: '/news', text: 'Все новости' })));
      return;
    }
    document.title = `${n.title} — Личный кабинет`;
    fill(main, h('article', { class: 'care-article' },
      heading(n.title),
      n.published_at ? h('p', { class: 'muted' }, h('time', { datetime: n.published_at, text: day(n.published_at) })) : null,
      (n.paragraphs && n.paragraphs.length ? n.paragraphs : [n.body]).map((p) => h('p', {}, linkified(p)))),
    h('p', {}, h('a', { href: '/news', text: 'Все новости' })));
  },
};

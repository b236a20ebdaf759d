import { fill, h, heading } from '../dom.js';

export default {
  title: 'Страница не найдена',
  guest: true,
  render(main) {
    fill(main, heading('Страница не найдена'),
      h('p', { text: 'Такой страницы нет. Проверьте адрес или перейдите на главную.' }),
      h('p', {}, h('a', { href: '/', text: 'На главную' })));
  },
};

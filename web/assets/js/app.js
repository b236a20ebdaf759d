// The cabinet's entry point: the eye button, the pages, the frame.

import { frame } from './layout.js';
import { afterRender, navigate, start } from './router.js';
import './routes.js';
import { forget } from './session.js';
import { init as vision } from './vision.js';

vision(document.getElementById('eye'), document.getElementById('vision'));
afterRender(() => frame());
document.addEventListener('kabinet:signed-out', () => {
  forget();
  if (!location.pathname.startsWith('/login')) {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }
});
start();

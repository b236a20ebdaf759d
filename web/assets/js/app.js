// The cabinet's entry point: the eye button, the pages, the frame.

import { frame } from './layout.js';
import { afterRender, navigate, start } from './router.js';
import './routes.js';
import { forget, me } from './session.js';
import { init as vision } from './vision.js';

vision(document.getElementById('eye'), document.getElementById('vision'));
// An organization that has not filled «Давайте познакомимся» gets 403 onboarding_required from the API for the
// rest: once a signed-in page has rendered, send it there (the profile works meanwhile).
const ONBOARDING = '/onboarding';
afterRender(async (page) => {
  await frame();
  if (!page || page.guest || location.pathname === ONBOARDING || location.pathname === '/profile') return;
  const user = await me().catch(() => null);
  if (user && user.onboarding_required) {
    await navigate(`${ONBOARDING}?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }
});
document.addEventListener('kabinet:signed-out', () => {
  forget();
  if (!location.pathname.startsWith('/login')) {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }
});
start();

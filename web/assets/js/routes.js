// Every page of the cabinet and its address. Each area adds its pages in its own section.

import { fallback, route } from './router.js';
import dashboard from './pages/dashboard.js';
import login from './pages/login.js';
import notFound from './pages/not_found.js';

// (section: core)
route('/', dashboard);
route('/login', login);
fallback(notFound);
// (end section: core)

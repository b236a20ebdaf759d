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

// (section: identity) — registration, code confirmation, e-mail link landings, recovery, onboarding, social, profile

// (end section: identity)

// (section: accounts) — add an account, account page, readings, history, consumption, calculator, several
// accounts at once, readings without signing in, service requests

// (end section: accounts)

// (section: money) — charges, ledger, invoices, pay, payment history and receipts, cards, autopay, paying without
// signing in

// (end section: money)

// (section: care) — notifications and preferences, news, feedback, help / FAQ, legal entities' contracts,
// interval profiles and documents

// (end section: care)

// Every page of the cabinet and its address. Each area adds its pages in its own section. Pages other than
// sign in, the dashboard and «not found» are fetched when first visited (lazy), so a page loads only its code.

import { fallback, lazy, route } from './router.js';
import dashboard from './pages/dashboard.js';
import login from './pages/login.js';
import notFound from './pages/not_found.js';

// (section: core)
route('/', dashboard);
route('/login', login);
fallback(notFound);
// (end section: core)

// (section: identity) — registration, code confirmation, e-mail link landings, recovery, onboarding, social, profile
route('/register', lazy('identity_register'));
route('/terms', lazy('identity_terms'));
route('/auth/confirm', lazy('identity_landings', 'confirmLanding'));
route('/auth/recovery', lazy('identity_landings', 'recoveryLanding'));
route('/recovery', lazy('identity_recovery'));
route('/onboarding', lazy('identity_onboarding'));
route('/profile', lazy('identity_profile'));
// (end section: identity)

// (section: accounts) — add an account, groups, account page, readings, history, consumption, calculator, several
// accounts at once, readings without signing in, service requests
route('/accounts/add', lazy('accounts_add'));
route('/groups', lazy('accounts_groups'));
route('/accounts/:id', lazy('accounts_view'));
route('/accounts/:id/readings', lazy('accounts_readings'));
route('/accounts/:id/consumption', lazy('accounts_consumption'));
route('/readings', lazy('accounts_batch'));
route('/public/readings', lazy('accounts_public'));
route('/requests', lazy('accounts_requests', 'list'));
route('/requests/new', lazy('accounts_requests', 'create'));
route('/requests/:id', lazy('accounts_requests', 'one'));
// (end section: accounts)

// (section: money) — charges, ledger, invoices, pay, payment history and receipts, cards, autopay, paying without
// signing in
route('/payments', lazy('money_pay'));
route('/pay', lazy('money_pay'));
route('/payments/history', lazy('money_history'));
route('/payments/:id', lazy('money_payment'));
route('/accounts/:id/money', lazy('money_account'));
route('/cards', lazy('money_cards'));
route('/autopay', lazy('money_autopay'));
route('/autopay/confirm', lazy('money_autopay_confirm'));
route('/public/pay', lazy('money_public'));
route('/public/pay/done', lazy('money_public_done'));
// (end section: money)

// (section: care) — notifications and preferences, news, feedback, help / FAQ, legal entities' contracts,
// interval profiles and documents
route('/notifications', lazy('care_notifications', 'inbox'));
route('/notifications/settings', lazy('care_notifications', 'settings'));
route('/unsubscribe', lazy('care_unsubscribe'));
route('/news', lazy('care_news', 'list'));
route('/news/:id', lazy('care_news', 'one'));
route('/feedback', lazy('care_feedback'));
route('/help', lazy('care_help'));
route('/contracts', lazy('care_contracts', 'list'));
route('/contracts/confirm', lazy('care_contracts', 'confirm'));
route('/contracts/:id', lazy('care_contracts', 'view'));
route('/contracts/:id/meters/:meter_id', lazy('care_intervals'));
// (end section: care)

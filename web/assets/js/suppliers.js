// The suppliers a customer may choose from (GET /api/v1/suppliers: id, name, services), fetched once per
// page load, and the «Поставщик» field built from them.

import { get } from './api.js';
import { select } from './forms.js';

let list;
export function suppliers() {
  list ||= get('/api/v1/suppliers').then((reply) => reply.suppliers || [],
    (error) => { list = undefined; throw error; });
  return list;
}

/** A «Поставщик» select, or null when the list did not come (the server then decides by the number alone).
 * `choose`: the first option's text (e.g. «Определить по номеру счёта»); with one supplier it is chosen. */
export async function supplierField(selected = '', { choose = 'Выберите поставщика', hint = '' } = {}) {
  const items = await suppliers().catch(() => []);
  if (!items.length) return null;
  const options = items.map((s) => [s.supplier_id, s.name]);
  const chosen = selected || (items.length === 1 ? options[0][0] : '');
  return select('Поставщик', 'supplier_id', items.length === 1 ? options : [['', choose], ...options], chosen, {},
    hint);
}

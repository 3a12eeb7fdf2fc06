import { download, get } from '../api.js';
import { h, button, pageHeader, table } from '../ui.js';
import { categoryLabel } from './privacy_common.js';

// Verwerkingsregister (AVG art. 30): the processing activities, also as CSV.
export async function registerPage(main) {
  const data = await get('/v1/privacy/activities');
  main.append(
    ...pageHeader('Verwerkingsregister', 'De verwerkingen van het samenwerkingsverband (AVG art. 30).'),
    h('div', { class: 'toolbar' }, button('Download als CSV', () => download('/v1/privacy/activities?format=csv', 'verwerkingsregister.csv'), { kind: 'secondary' })),
    table('Verwerkingen', [
      { label: 'Verwerking', value: (a) => a.name, rowHeader: true },
      { label: 'Verantwoordelijke', value: (a) => a.controller },
      { label: 'Doel', value: (a) => a.purpose },
      { label: 'Grondslag', value: (a) => a.legal_basis },
      { label: 'Gegevens', value: (a) => (a.data_categories ?? []).map(categoryLabel).join(', ') },
      { label: 'Betrokkenen', value: (a) => (a.subject_categories ?? []).join(', ') },
      { label: 'Ontvangers', value: (a) => (a.recipients ?? []).join(', ') },
      { label: 'Bewaartermijn', value: (a) => a.retention },
    ], data.processing_activities ?? [], { empty: 'Het register is leeg.', captionHidden: true }),
  );
}

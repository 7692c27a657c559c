/**
 * The form an editor fills to add a project or correct a feature's facts,
 * built from what /ogc/collections says of each layer's properties (types,
 * allowed values and their labels, as the filters use them), plus what
 * every write must carry: the location precision and a source (one of
 * GET /api/sources, or a new one with title and URL).
 *
 * Pure helpers (fieldsFor, mergePatch, layerFor) are apart from the DOM
 * code so that what is sent can be reasoned about field by field.
 */

import type { Collection, Props } from './api.ts';
import { el } from './dom.ts';
import type { CommuneChoice, Source } from './edit-api.ts';
import { fieldLabel, t, valueLabel } from './i18n.ts';

/** Filled by the server from the point or the database: never typed in. */
export const READ_ONLY = new Set([
  'id',
  'slug',
  'commune',
  'commune_code',
  'province',
  'province_code',
  'geometry_kind',
  'point_count',
  'layer',
  'precision',
  'uncertainty_m',
]);

/** The project layers whose rows carry typed details of one category. */
const DETAIL_LAYERS: Record<string, string> = { market: 'markets', industrial_park: 'industrial-parks' };

/** The collection a new project of `category` is written to (its details go with it). */
export function layerFor(category: string, cols: readonly Collection[]): string {
  const own = DETAIL_LAYERS[category];
  return own && cols.some((c) => c.id === own) ? own : 'projects';
}

export interface Field {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean';
  enum?: readonly string[];
  /** Category-specific (market / industrial park details). */
  detail?: boolean;
}

/** The editable properties of `layer`, the category-specific ones flagged. */
export function fieldsFor(layer: string, cols: readonly Collection[]): Field[] {
  const col = cols.find((c) => c.id === layer);
  const base = new Set(Object.keys(cols.find((c) => c.id === 'projects')?.properties ?? {}));
  const isProjectKind = layer === 'projects' || Object.values(DETAIL_LAYERS).includes(layer);
  return Object.entries(col?.properties ?? {})
    .filter(([name]) => !READ_ONLY.has(name))
    .map(([name, p]) => ({
      name,
      type: (p.type === 'integer' || p.type === 'number' || p.type === 'boolean'
        ? p.type
        : 'string') as Field['type'],
      ...(p.enum ? { enum: p.enum } : {}),
      ...(isProjectKind && layer !== 'projects' && !base.has(name) ? { detail: true } : {}),
    }));
}

/**
 * RFC 7396 merge patch of the properties that differ between `before` and
 * `after` (null removes a value); empty when nothing changed.
 */
export function mergePatch(before: Props, after: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(after)) {
    const was = before[k] ?? null;
    const now = v ?? null;
    if (JSON.stringify(was) !== JSON.stringify(now)) out[k] = now;
  }
  return out;
}

/** What the form says of the source: an existing id, or a new one. */
export type SourceChoice = { id: string | number } | { title: string; url: string; publisher?: string };

export interface FormValues {
  properties: Props;
  precision: string;
  uncertainty_m: number | null;
  source: SourceChoice | null;
}

function labelled(name: string, text: string, input: HTMLElement): HTMLLabelElement {
  const l = el('label', { className: 'field' }, el('span', { textContent: text }), input);
  l.dataset.field = name;
  return l;
}

function select(
  name: string,
  values: readonly string[],
  value: unknown,
  blank: boolean,
  labelOf: (v: string) => string,
) {
  const s = el('select', { name });
  if (blank) s.append(el('option', { value: '', textContent: '—' }));
  for (const v of values)
    s.append(el('option', { value: v, textContent: labelOf(v), selected: String(value) === v }));
  if (value === null || value === undefined) s.value = blank ? '' : (values[0] ?? '');
  return s;
}

function input(f: Field, value: unknown, layer: string): HTMLElement {
  // A figure is stated somehow: exact unless the source says about, nearly, over.
  if (f.name === 'investment_qualifier' && f.enum)
    return select(
      f.name,
      f.enum,
      value ?? 'exact',
      false,
      (v) => valueLabel(f.name, v, layer) || t('editExact'),
    );
  if (f.enum) return select(f.name, f.enum, value, true, (v) => valueLabel(f.name, v, layer));
  const i = el('input', { name: f.name });
  if (f.type === 'number' || f.type === 'integer') {
    i.type = 'number';
    i.step = f.type === 'integer' ? '1' : 'any';
    i.inputMode = 'decimal';
  } else i.type = 'text';
  i.value = value === null || value === undefined ? '' : String(value);
  return i;
}

/** A property's name in the form and the conflict view (a few the registry leaves untitled are named here). */
export function label(name: string, layer: string): string {
  if (name === 'name') return t('editNameVi');
  if (name === 'name_en') return t('editNameEn');
  if (name === 'start_year') return t('editStartYear');
  if (name === 'end_year') return t('editEndYear');
  if (name === 'investment_qualifier') return t('editQualifier');
  return fieldLabel(name, layer);
}

export interface FormOptions {
  cols: readonly Collection[];
  /** The layer written to; for a new project it follows the category chosen. */
  layer: string;
  /** Values to start from (the feature's, when editing). */
  values: Props;
  sources: readonly Source[];
  /** A new project: the category can be chosen and changes the fields. */
  creating: boolean;
  /** Whether precision must be said (a new feature, or a moved one). */
  askPrecision: boolean;
  precision?: string | null;
  uncertainty?: number | null;
  title: string;
  /** A new project: the communes it may lie in, nearest first (the first is chosen). */
  communes?: readonly CommuneChoice[];
}

export interface EditForm {
  form: HTMLFormElement;
  /** The layer the values are for (a new project's follows its category). */
  layer(): string;
  read(): FormValues;
  /** Marks the fields a refused write named, and says why. */
  showErrors(detail: string, errors: { field: string; message: string }[]): void;
}

/** Builds the form; `onSubmit`/`onCancel` are the caller's. */
export function editForm(o: FormOptions, onSubmit: (f: EditForm) => void, onCancel: () => void): EditForm {
  const form = el('form', { className: 'edit-form', noValidate: true });
  let layer = o.layer;
  const fieldsBox = el('div', { className: 'fields' });
  const current: Props = { ...o.values };

  const renderFields = (): void => {
    // Keep what was typed when the category changes the fields.
    for (const e of fieldsBox.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name]'))
      current[e.name] = e.value;
    const fields = fieldsFor(layer, o.cols);
    const common = fields.filter((f) => !f.detail);
    const details = fields.filter((f) => f.detail);
    const kids: HTMLElement[] = [];
    for (const f of common) {
      if (f.name === 'category' && !o.creating) continue;
      if (f.name === 'investment_bn_vnd') {
        const unknown = el('input', { type: 'checkbox', name: 'investment_unknown' });
        const inp = input(f, current[f.name], layer) as HTMLInputElement;
        // A new project starts with a figure to type; an existing one without a figure is "unknown".
        unknown.checked =
          !o.creating &&
          (current[f.name] === null || current[f.name] === undefined || current[f.name] === '');
        inp.disabled = unknown.checked;
        unknown.addEventListener('change', () => {
          inp.disabled = unknown.checked;
        });
        kids.push(
          labelled(f.name, `${label(f.name, layer)} (${t('bnVnd')})`, inp),
          el('label', { className: 'check' }, unknown, t('editUnknown')),
        );
        continue;
      }
      kids.push(labelled(f.name, label(f.name, layer), input(f, current[f.name], layer)));
    }
    if (details.length) {
      kids.push(
        el(
          'fieldset',
          { className: 'details' },
          el('legend', {
            textContent: t('editDetails', { kind: valueLabel('category', current.category ?? '', layer) }),
          }),
          ...details.map((f) => labelled(f.name, label(f.name, layer), input(f, current[f.name], layer))),
        ),
      );
    }
    fieldsBox.replaceChildren(...kids);
    const cat = fieldsBox.querySelector<HTMLSelectElement>('select[name="category"]');
    cat?.addEventListener('change', () => {
      current.category = cat.value;
      const next = layerFor(cat.value, o.cols);
      if (next !== layer) {
        layer = next;
        renderFields();
      }
    });
  };
  renderFields();

  // Precision: required with a new or moved geometry.
  const precision = el(
    'fieldset',
    { className: 'precision' },
    el('legend', { textContent: fieldLabel('precision') }),
  );
  const prec = select(
    'precision',
    ['surveyed', 'approximate', 'schematic'],
    o.precision ?? 'approximate',
    false,
    (v) => valueLabel('precision', v),
  );
  const unc = el('input', { type: 'number', name: 'uncertainty_m', min: '0', step: 'any' });
  unc.value = o.uncertainty ? String(o.uncertainty) : '';
  precision.append(
    labelled('precision', fieldLabel('precision'), prec),
    labelled('uncertainty_m', fieldLabel('uncertainty_m'), unc),
  );
  precision.hidden = !o.askPrecision;

  // Source: pick one, or add one.
  const source = el('fieldset', { className: 'source' }, el('legend', { textContent: t('editSource') }));
  const pick = el('select', { name: 'source_id' });
  pick.append(el('option', { value: '', textContent: t('editSourcePick') }));
  for (const s of o.sources)
    pick.append(
      el('option', {
        value: String(s.id),
        textContent: s.publisher ? `${s.title} · ${s.publisher}` : s.title,
      }),
    );
  pick.append(el('option', { value: '__new', textContent: t('editSourceNew') }));
  const fresh = el(
    'div',
    { className: 'new-source', hidden: true },
    labelled('source.title', t('editSourceTitle'), el('input', { type: 'text', name: 'source_title' })),
    labelled(
      'source.url',
      t('editSourceUrl'),
      el('input', { type: 'url', name: 'source_url', placeholder: 'https://' }),
    ),
    labelled(
      'source.publisher',
      t('editSourcePublisher'),
      el('input', { type: 'text', name: 'source_publisher' }),
    ),
  );
  pick.addEventListener('change', () => {
    fresh.hidden = pick.value !== '__new';
  });
  source.append(labelled('source', t('editSource'), pick), fresh);

  const problem = el('p', { className: 'problem', role: 'alert', hidden: true });
  const actions = el(
    'div',
    { className: 'actions' },
    el('button', { type: 'submit', className: 'primary', name: 'save', textContent: t('editSave') }),
    el('button', { type: 'button', name: 'cancel', textContent: t('editCancel'), onclick: onCancel }),
  );
  const commune = el('div');
  if (o.communes) {
    const sel = el('select', { name: 'commune_code' });
    for (const c of o.communes)
      sel.append(
        el('option', {
          value: c.code,
          textContent: `${c.name}${c.province ? `, ${c.province}` : ''} (${c.km < 0.05 ? t('editInside') : `${c.km.toFixed(1)} km`})`,
        }),
      );
    commune.append(labelled('commune_code', fieldLabel('commune'), sel));
  }
  form.append(el('h3', { textContent: o.title }), commune, fieldsBox, precision, source, problem, actions);

  const api: EditForm = {
    form,
    layer: () => layer,
    read() {
      const fd = new FormData(form);
      const properties: Props = {};
      for (const f of fieldsFor(layer, o.cols)) {
        if (f.name === 'category' && !o.creating) continue;
        const raw = fd.get(f.name);
        if (raw === null && f.name !== 'investment_bn_vnd') continue;
        const s = String(raw ?? '').trim();
        const unknown = fd.get('investment_unknown') !== null;
        if (f.name === 'investment_bn_vnd' && unknown) properties[f.name] = null;
        else if (f.name === 'investment_qualifier' && unknown) properties[f.name] = null;
        else if (f.type === 'number' || f.type === 'integer')
          properties[f.name] = s === '' ? null : Number(s.replace(',', '.'));
        else properties[f.name] = s === '' ? null : s;
      }
      const id = String(fd.get('source_id') ?? '');
      let src: SourceChoice | null = null;
      if (id === '__new') {
        const publisher = String(fd.get('source_publisher') ?? '').trim();
        src = {
          title: String(fd.get('source_title') ?? '').trim(),
          url: String(fd.get('source_url') ?? '').trim(),
          ...(publisher ? { publisher } : {}),
        };
      } else if (id) src = { id: o.sources.find((s) => String(s.id) === id)?.id ?? id };
      const communeCode = fd.get('commune_code');
      if (communeCode) properties.commune_code = String(communeCode);
      const u = String(fd.get('uncertainty_m') ?? '').trim();
      return {
        properties,
        precision: String(fd.get('precision') ?? 'approximate'),
        uncertainty_m: u === '' ? null : Number(u),
        source: src,
      };
    },
    showErrors(detail, errors) {
      for (const e of form.querySelectorAll('.field.invalid')) e.classList.remove('invalid');
      for (const e of form.querySelectorAll('.field-error')) e.remove();
      problem.hidden = false;
      problem.textContent = detail;
      for (const err of errors) {
        const name = err.field.replace(/^properties\./, '');
        const box = form.querySelector<HTMLElement>(`.field[data-field="${CSS.escape(name)}"]`);
        if (!box) continue;
        box.classList.add('invalid');
        box.append(el('small', { className: 'field-error', textContent: err.message }));
      }
      form.querySelector('.invalid')?.scrollIntoView({ block: 'nearest' });
    },
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onSubmit(api);
  });
  return api;
}

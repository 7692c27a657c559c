/**
 * What an editor sees when a save meets a 412 (someone else changed the
 * feature since it was opened): field by field, the value they were about to
 * write beside the value the server has now, with "re-apply my changes"
 * (the same patch, against the current version's ETag) and "discard" (keep
 * the current version).
 */
import type { Props } from './api.ts';
import { label } from './edit-form.ts';
import { t, valueLabel } from './i18n.ts';

function shown(name: string, v: unknown, layer: string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 120);
  return valueLabel(name, v, layer);
}

export interface ConflictInput {
  layer: string;
  /** The properties as they were when the editor opened the feature. */
  base: Props;
  /** What the editor meant to write (a merge patch's properties; geometry under `geometry`). */
  mine: Props;
  /** The properties the server has now. */
  current: Props;
}

/** The fields to show: every one the editor changed, and every one changed meanwhile on the server. */
export function conflictRows(
  c: ConflictInput,
): { name: string; mine: unknown; current: unknown; clash: boolean }[] {
  const names = new Set(Object.keys(c.mine));
  for (const [k, v] of Object.entries(c.current))
    if (!k.startsWith('_') && JSON.stringify(v ?? null) !== JSON.stringify(c.base[k] ?? null)) names.add(k);
  return [...names].map((name) => {
    const mine = name in c.mine ? c.mine[name] : c.base[name];
    const current = c.current[name];
    return { name, mine, current, clash: JSON.stringify(mine ?? null) !== JSON.stringify(current ?? null) };
  });
}

export function conflictView(c: ConflictInput, onReapply: () => void, onDiscard: () => void): HTMLElement {
  const box = document.createElement('section');
  box.className = 'conflict';
  box.setAttribute('role', 'alert');
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of [t('editField'), t('editYours'), t('editCurrent')])
    head.append(Object.assign(document.createElement('th'), { textContent: h, scope: 'col' }));
  const body = table.createTBody();
  for (const r of conflictRows(c)) {
    const tr = body.insertRow();
    tr.dataset.field = r.name;
    if (r.clash) tr.className = 'clash';
    tr.append(
      Object.assign(document.createElement('th'), { textContent: label(r.name, c.layer), scope: 'row' }),
      Object.assign(document.createElement('td'), {
        className: 'mine',
        textContent: shown(r.name, r.mine, c.layer),
      }),
      Object.assign(document.createElement('td'), {
        className: 'current',
        textContent: shown(r.name, r.current, c.layer),
      }),
    );
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(
    Object.assign(document.createElement('button'), {
      type: 'button',
      name: 'reapply',
      className: 'primary',
      textContent: t('editReapply'),
      onclick: onReapply,
    }),
    Object.assign(document.createElement('button'), {
      type: 'button',
      name: 'discard',
      textContent: t('editDiscard'),
      onclick: onDiscard,
    }),
  );
  box.append(
    Object.assign(document.createElement('h3'), { textContent: t('editConflictTitle') }),
    Object.assign(document.createElement('p'), { textContent: t('editConflictText') }),
    table,
    actions,
  );
  return box;
}

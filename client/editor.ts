/**
 * Editing in the web map, for a signed-in editor or admin (loaded with a
 * dynamic import by sign-in.ts, so a viewer's page never downloads it nor
 * the drawing library):
 *
 * - "Add project": click the map, fill the form (edit-form.ts), POST.
 * - In each popup: edit the facts (PATCH of what changed, If-Match), move a
 *   point or reshape a road with terra-draw (PATCH of the geometry), delete
 *   after a confirmation (DELETE, If-Match), and "last edited by … on …".
 * - A 412 shows the conflict view (conflict.ts) with re-apply / discard.
 *
 * After every write the map asks for its tiles again under a new URL (the
 * browser may hold the old ones for their max-age) and tells the panels
 * (`atlas:data-changed`), which ask again for the near-border list, the
 * statistics and the filtered selection.
 */

import type { LngLat, VectorTileSource } from 'maplibre-gl';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPointMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { Feature, Props } from './api.ts';
import { conflictView } from './conflict.ts';
import { el } from './dom.ts';
import {
  communesNear,
  createFeature,
  deleteFeature,
  type Edit,
  edits,
  featureWithEtag,
  patchFeature,
  type Source,
  sources,
} from './edit-api.ts';
import { type EditForm, editForm, type FormValues, layerFor, mergePatch } from './edit-form.ts';
import { getLang, t } from './i18n.ts';
import type { Atlas } from './map.ts';
import { SOURCE } from './map-style.ts';
import { type PopupContext, pausePopups, popupExtensions } from './popup.ts';
import { forgetItems } from './selection.ts';
import type { WriteResult } from './session.ts';

export const DATA_CHANGED = 'atlas:data-changed';

/** Layers an editor may write (derived ones answer 405). */
const READ_ONLY_LAYERS = new Set(['border-segments', 'countries']);

export interface Editor {
  stop(): void;
}

export function startEditor(atlas: Atlas): Editor {
  const { map } = atlas;
  const panel = document.querySelector<HTMLElement>('#panel')!;
  const box = el('section', { id: 'edit', className: 'edit' });
  const addButton = el('button', {
    type: 'button',
    name: 'add-project',
    className: 'primary',
    textContent: t('editAdd'),
  });
  const ingestButton = el('button', {
    type: 'button',
    name: 'ingest-article',
    textContent: t('reviewOpen'),
  });
  const hint = el('p', { className: 'hint', hidden: true });
  const work = el('div', { className: 'workspace' });
  box.append(el('div', { className: 'edit-bar' }, addButton, ingestButton, hint), work);
  panel.prepend(box);

  let sourceList: Promise<Source[]> | null = null;
  const knownSources = (): Promise<Source[]> => {
    sourceList ??= sources().catch(() => {
      sourceList = null;
      return [];
    });
    return sourceList;
  };
  let draw: TerraDraw | null = null;
  let picking: ((e: { lngLat: LngLat }) => void) | null = null;

  /** The one feature being drawn, selected so that it can be dragged (terra-draw's select mode). */
  let drawnId = '';
  const startDrawing = (g: DrawnGeometry): void => {
    // terra-draw's default id strategy takes UUIDs only.
    drawnId = crypto.randomUUID();
    draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map }),
      modes: [
        new TerraDrawPointMode({ editable: true }),
        new TerraDrawLineStringMode(),
        new TerraDrawSelectMode({
          flags: {
            point: { feature: { draggable: true } },
            linestring: {
              feature: {
                draggable: false,
                coordinates: { midpoints: true, draggable: true, deletable: true },
              },
            },
          },
        }),
      ],
    });
    pausePopups(true);
    draw.start();
    draw.setMode('select');
    const [added] = draw.addFeatures([
      {
        id: drawnId,
        type: 'Feature',
        geometry: g as never,
        properties: { mode: g.type === 'Point' ? 'point' : 'linestring' },
      },
    ]);
    if (!added?.valid) throw new Error(`terra-draw: ${added?.reason ?? 'feature refused'}`);
    draw.selectFeature(drawnId);
    // For the end-to-end tests, as window.atlas is.
    (window as unknown as { atlasDraw?: TerraDraw }).atlasDraw = draw;
  };
  const drawnGeometry = (): DrawnGeometry | null => {
    const now = draw?.getSnapshotFeature(drawnId)?.geometry;
    return now ? ({ type: now.type, coordinates: roundAll(now.coordinates) } as DrawnGeometry) : null;
  };

  const say = (text: string): void => {
    hint.hidden = !text;
    hint.textContent = text;
  };

  const close = (): void => {
    work.replaceChildren();
    panel.classList.remove('editing');
    if (draw) {
      draw.stop();
      draw = null;
    }
    if (picking) map.off('click', picking);
    picking = null;
    map.getCanvas().style.cursor = '';
    addButton.disabled = false;
    pausePopups(false);
  };

  const open = (content: HTMLElement): void => {
    say('');
    panel.classList.remove('collapsed');
    panel.classList.add('editing');
    work.replaceChildren(content);
    panel.scrollTop = 0;
  };

  /** New tiles, new items, new analysis: everyone shows the write at once. */
  const changed = (): void => {
    const src = map.getSource(SOURCE) as VectorTileSource | undefined;
    const url = src?.tiles?.[0];
    if (src && url) {
      const u = new URL(url.replace(/\{/g, '%7B').replace(/\}/g, '%7D'));
      u.searchParams.set('edit', String(Date.now()));
      src.setTiles([decodeURI(u.href)]);
    }
    forgetItems();
    window.dispatchEvent(new CustomEvent(DATA_CHANGED));
  };

  /** Says why a write was refused (field by field when the server names fields). */
  const refused = (form: EditForm | null, r: WriteResult<unknown>): void => {
    const detail = t('editRefused', { status: r.status, detail: r.detail ?? '' });
    if (form) form.showErrors(detail, r.errors ?? []);
    else say(detail);
  };

  const withSource = (v: FormValues, props: Props): Props | null => {
    if (!v.source) return null;
    return { ...props, source: v.source };
  };

  // ---- Ingest an article: the review page (client/review.ts, loaded now) ----
  let review: { close(): void } | null = null;
  ingestButton.addEventListener('click', () => {
    close();
    review?.close();
    box.hidden = true;
    void import('./review.ts').then(({ openReview }) => {
      review = openReview(atlas, {
        changed,
        closed: () => {
          review = null;
          box.hidden = false;
        },
      });
    });
  });

  // ---- Add a project ----------------------------------------------------
  addButton.addEventListener('click', () => {
    close();
    addButton.disabled = true;
    say(t('editPickPoint'));
    pausePopups(true);
    map.getCanvas().style.cursor = 'crosshair';
    picking = (e) => {
      map.off('click', picking!);
      picking = null;
      map.getCanvas().style.cursor = '';
      void addAt(e.lngLat);
    };
    // After the popup handler: a click on a feature picks the point too.
    setTimeout(() => map.on('click', picking!));
  });

  const addAt = async (at: LngLat): Promise<void> => {
    say('');
    startDrawing({ type: 'Point', coordinates: [round(at.lng), round(at.lat)] });
    const cols = atlas.collections;
    const form = editForm(
      {
        cols,
        layer: 'projects',
        values: { category: 'other', status: 'planned' },
        sources: await knownSources(),
        communes: await communesNear(at.lng, at.lat).catch(() => []),
        creating: true,
        askPrecision: true,
        title: t('editAddTitle'),
      },
      (f) => void saveNew(f),
      close,
    );
    form.form.dataset.mode = 'create';
    open(form.form);
  };

  const saveNew = async (form: EditForm): Promise<void> => {
    const v = form.read();
    const props = withSource(v, v.properties);
    if (!props)
      return form.showErrors(t('editNeedSource'), [{ field: 'source', message: t('editNeedSource') }]);
    const category = String(v.properties.category ?? 'other');
    const layer = layerFor(category, atlas.collections);
    const geometry = drawnGeometry();
    if (!geometry) return;
    const feature: Feature = {
      type: 'Feature',
      geometry,
      properties: {
        ...props,
        precision: v.precision,
        uncertainty_m: v.uncertainty_m,
      },
    };
    const r = await createFeature(layer, feature);
    if (!r.ok) return refused(form, r);
    close();
    say(t('editCreated', { name: String(v.properties.name ?? '') }));
    changed();
  };

  // ---- Edit a feature's facts --------------------------------------------
  const editFacts = async (layer: string, id: number | string): Promise<void> => {
    close();
    const [{ feature, etag }, known] = await Promise.all([featureWithEtag(layer, id), knownSources()]);
    const base = feature.properties;
    const form = editForm(
      {
        cols: atlas.collections,
        layer,
        values: base,
        sources: known,
        creating: false,
        askPrecision: false,
        precision: String(base.precision ?? ''),
        title: t('editFactsTitle', { name: String(base.name ?? base.ref ?? `#${id}`) }),
      },
      (f) => {
        const v = f.read();
        const patch = mergePatch(base, v.properties);
        if (Object.keys(patch).length === 0) return f.showErrors(t('editNothing'), []);
        const props = withSource(v, patch);
        if (!props)
          return f.showErrors(t('editNeedSource'), [{ field: 'source', message: t('editNeedSource') }]);
        void savePatch(layer, id, { properties: props }, etag, base, f);
      },
      close,
    );
    form.form.dataset.mode = 'edit';
    open(form.form);
  };

  /** PATCH; on 412 the conflict view, whose "re-apply" sends the same patch against the current version. */
  const savePatch = async (
    layer: string,
    id: number | string,
    patch: { properties: Props; geometry?: Feature['geometry'] },
    etag: string,
    base: Props,
    form: EditForm | null,
  ): Promise<void> => {
    const r = await patchFeature(layer, id, patch, etag);
    if (r.status === 412) return showConflict(layer, id, patch, base);
    if (!r.ok) return refused(form, r);
    close();
    say(t('editSaved'));
    changed();
  };

  const showConflict = async (
    layer: string,
    id: number | string,
    patch: { properties: Props; geometry?: Feature['geometry'] },
    base: Props,
  ): Promise<void> => {
    const now = await featureWithEtag(layer, id);
    const { source: _source, precision: _p, ...mine } = patch.properties;
    if (patch.geometry) mine.geometry = patch.geometry;
    const view = conflictView(
      {
        layer,
        base,
        mine,
        current: { ...now.feature.properties, ...(patch.geometry ? { geometry: now.feature.geometry } : {}) },
      },
      () => void savePatch(layer, id, patch, now.etag, now.feature.properties, null),
      () => {
        close();
        say(t('editDiscarded'));
        changed();
      },
    );
    work.replaceChildren(view);
    panel.classList.add('editing');
    panel.classList.remove('collapsed');
    panel.scrollTop = 0;
  };

  // ---- Move a point, reshape a line ---------------------------------------
  const reshape = async (layer: string, id: number | string): Promise<void> => {
    close();
    const [{ feature, etag }, known] = await Promise.all([featureWithEtag(layer, id), knownSources()]);
    const g = feature.geometry;
    if (!g || (g.type !== 'Point' && g.type !== 'LineString')) return say(t('editCannotDraw'));
    startDrawing(g as DrawnGeometry);
    const base = feature.properties;
    const form = editForm(
      {
        cols: atlas.collections,
        layer: '__none',
        values: {},
        sources: known,
        creating: false,
        askPrecision: true,
        precision: String(base.precision ?? 'surveyed'),
        uncertainty: typeof base.uncertainty_m === 'number' ? base.uncertainty_m : null,
        title: t(g.type === 'Point' ? 'editMoveTitle' : 'editReshapeTitle', {
          name: String(base.name ?? base.ref ?? `#${id}`),
        }),
      },
      (f) => {
        const v = f.read();
        const geometry = drawnGeometry();
        if (!geometry) return;
        const props = withSource(v, { precision: v.precision, uncertainty_m: v.uncertainty_m });
        if (!props)
          return f.showErrors(t('editNeedSource'), [{ field: 'source', message: t('editNeedSource') }]);
        void savePatch(layer, id, { properties: props, geometry }, etag, base, f);
      },
      close,
    );
    form.form.dataset.mode = 'geometry';
    form.form.prepend(
      el('p', { className: 'hint', textContent: t(g.type === 'Point' ? 'editDragHint' : 'editReshapeHint') }),
    );
    open(form.form);
  };

  // ---- Delete -------------------------------------------------------------
  const remove = async (layer: string, id: number | string, name: string): Promise<void> => {
    close();
    const dialog = el('dialog', { className: 'confirm' });
    dialog.append(
      el('p', { textContent: t('editDeleteConfirm', { name }) }),
      el(
        'form',
        { method: 'dialog' },
        el('button', {
          value: 'delete',
          name: 'confirm-delete',
          className: 'danger',
          textContent: t('editDelete'),
        }),
        el('button', { value: 'cancel', textContent: t('editCancel') }),
      ),
    );
    document.body.append(dialog);
    dialog.showModal();
    const answer = await new Promise<string>((r) =>
      dialog.addEventListener('close', () => r(dialog.returnValue), { once: true }),
    );
    dialog.remove();
    if (answer !== 'delete') return;
    const { etag } = await featureWithEtag(layer, id);
    const r = await deleteFeature(layer, id, etag);
    if (!r.ok) return refused(null, r);
    say(t('editDeleted', { name }));
    changed();
  };

  // ---- In every popup -----------------------------------------------------
  const extension = (c: PopupContext): void => {
    if (READ_ONLY_LAYERS.has(c.layer)) return;
    const name = String(c.props.name ?? c.props.ref ?? `#${c.id}`);
    const last = el('p', { className: 'last-edit' });
    const buttons = el('div', { className: 'edit-actions' });
    const button = (label: string, action: string, run: () => void) =>
      el('button', {
        type: 'button',
        name: action,
        textContent: label,
        onclick: () => {
          c.popup.remove();
          run();
        },
      });
    buttons.append(
      button(t('editFacts'), 'edit-facts', () => void editFacts(c.layer, c.id)),
      ...(c.geometryType === 'Point' || c.geometryType === 'LineString'
        ? [
            button(
              t(c.geometryType === 'Point' ? 'editMove' : 'editReshape'),
              'edit-geometry',
              () => void reshape(c.layer, c.id),
            ),
          ]
        : []),
      button(t('editDelete'), 'delete', () => void remove(c.layer, c.id, name)),
    );
    c.box.append(last, buttons);
    void edits(c.layer, c.id)
      .then((list: Edit[]) => {
        const e = list[0];
        if (e) last.textContent = t('editLast', { who: e.actor, when: when(e.at) });
      })
      .catch(() => undefined);
  };
  popupExtensions.push(extension);

  return {
    stop() {
      close();
      review?.close();
      box.remove();
      const i = popupExtensions.indexOf(extension);
      if (i >= 0) popupExtensions.splice(i, 1);
    },
  };
}

type DrawnGeometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'LineString'; coordinates: number[][] };

const round = (x: number): number => Math.round(x * 1e7) / 1e7;
function roundAll(c: unknown): unknown {
  return Array.isArray(c) ? c.map(roundAll) : typeof c === 'number' ? round(c) : c;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

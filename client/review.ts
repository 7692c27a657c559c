/**
 * Reviewing an article before it enters the atlas (issue 12 section 3), for
 * an editor: "Nhập bài báo" / "Ingest an article" in the editing bar opens it
 * (loaded on demand, like the editor).
 *
 * 1. The editor pastes the article (text or HTML) with its title, URL,
 *    publisher and date; POST /api/ingest reads it (server/ingest/).
 * 2. The article is shown with every candidate's passages highlighted, the
 *    candidates listed beside it and drawn on the map (a GeoJSON source of
 *    their locations). Clicking a passage, a card or a point selects that
 *    candidate everywhere.
 * 3. Per candidate: correct the place (the gazetteer, /api/search: the
 *    commune's code and seat), the category, a figure or its unit, merge
 *    two, split one, reject; a candidate the atlas holds already says so,
 *    with the updates it proposes.
 * 4. Accept one, the selected ones or all: POST /api/ingest/accept writes
 *    them in one transaction citing the article; the map's tiles are asked
 *    for again, so the features are there at once.
 *
 * The page never invents a value: what is sent is the server's candidate,
 * with the editor's corrections applied to its properties.
 */
import type { GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import type { SearchResult } from './api.ts';
import { search } from './api.ts';
import { el } from './dom.ts';
import { fieldLabel, getLang, t, valueLabel } from './i18n.ts';
import type { Atlas } from './map.ts';
import { type WriteResult, writeJson } from './session.ts';
import './review.css';

// contract: /work/wt/ingest-contract.md (the lead switches these to server/ingest/types.ts)
type Range = [number, number];
interface Unit {
  code: string | null;
  slug: string;
  name: string;
  kind: string;
  level: string;
  era: string;
  province: { code: string | null; name: string } | null;
}
interface Place {
  id: string;
  kind: string;
  text: string;
  ranges: Range[];
  unit: Unit | null;
  gate: { slug: string; name: string } | null;
  road: { ref: string } | null;
}
interface Figure {
  id: string;
  text: string;
  ranges: Range[];
  value: number;
  unit: string;
  of: string | null;
}
interface Existing {
  layer: string;
  id: string;
  slug: string;
  etag: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}
interface Location {
  geometry: { type: 'Point'; coordinates: [number, number] } | null;
  precision: string;
  uncertainty_m: number | null;
  how: string;
}
interface FeatureCandidate {
  id: string;
  type: 'feature';
  layer: string;
  properties: Record<string, unknown>;
  figures: string[];
  place: string | null;
  location: Location;
  ranges: Range[];
  existing: Existing | null;
}
interface IndicatorCandidate {
  id: string;
  type: 'indicator';
  unit: string;
  unit_code: string | null;
  indicator: string;
  label?: { vi: string; en: string } | null;
  value: number;
  qualifier: string;
  year: number | null;
  period_start: number | null;
  period_end: number | null;
  programme: string | null;
  figures: string[];
  ranges: Range[];
  existing: Existing | null;
}
type Candidate = FeatureCandidate | IndicatorCandidate;
export interface IngestResult {
  article: {
    title: string;
    url: string | null;
    publisher: string | null;
    published: string | null;
    lang: string;
    text: string;
    hash: string;
  };
  places: Place[];
  figures: Figure[];
  candidates: Candidate[];
}

type State = 'open' | 'rejected' | 'accepted';
interface Item {
  c: Candidate;
  state: State;
  picked: boolean;
  /** The place shown: the server's reading, or the unit the editor picked. */
  placeName: string;
  written?: { layer: string; id: number };
  error?: string;
}

const SRC = 'review:candidates';
const LAYERS = ['review:halo', 'review:points'] as const;

/** Units a figure may be given in, and the factor to the property's own unit. */
const UNITS: Record<string, { key: Parameters<typeof t>[0]; factor: number }[]> = {
  investment_bn_vnd: [
    { key: 'unitBnVnd', factor: 1 },
    { key: 'unitMnVnd', factor: 0.001 },
    { key: 'unitTnVnd', factor: 1000 },
  ],
  area_m2: [
    { key: 'unitM2', factor: 1 },
    { key: 'unitHa', factor: 10_000 },
    { key: 'unitKm2', factor: 1_000_000 },
  ],
};
const exact = (x: number): number => Number(x.toPrecision(12));

export interface Review {
  close(): void;
}

export interface ReviewHooks {
  /** Tiles, lists and statistics asked for again (the editor's). */
  changed(): void;
  /** The review was closed. */
  closed(): void;
}

export function openReview(atlas: Atlas, hooks: ReviewHooks): Review {
  const { map } = atlas;
  const panel = document.querySelector<HTMLElement>('#panel')!;
  const box = el('section', { id: 'review', className: 'review' });
  box.setAttribute('aria-labelledby', 'review-title');
  const closeButton = el('button', { type: 'button', name: 'close-review', textContent: t('close') });
  box.append(
    el(
      'header',
      { className: 'review-head' },
      el('h2', { id: 'review-title', textContent: t('reviewTitle') }),
      closeButton,
    ),
  );
  const status = el('p', { className: 'review-status', role: 'status' });

  // ---- 1. The article ------------------------------------------------------
  const input = (name: string, label: string, type = 'text', required = false) => {
    const i = el('input', { name, type, required });
    return { i, field: el('label', { className: 'field' }, el('span', { textContent: label }), i) };
  };
  const title = input('title', t('reviewArticleTitle'), 'text', true);
  const url = input('url', t('reviewUrl'), 'url');
  const publisher = input('publisher', t('reviewPublisher'));
  const published = input('published', t('reviewPublished'), 'date');
  const lang = el(
    'select',
    { name: 'lang' },
    el('option', { value: '', textContent: t('reviewLangAuto') }),
    el('option', { value: 'vi', textContent: 'Tiếng Việt' }),
    el('option', { value: 'en', textContent: 'English' }),
  );
  const text = el('textarea', { name: 'text', rows: 12, required: true });
  const readButton = el('button', {
    type: 'submit',
    name: 'read',
    className: 'primary',
    textContent: t('reviewRead'),
  });
  const form = el(
    'form',
    { className: 'review-input edit-form' },
    el('p', { className: 'hint', textContent: t('reviewHint') }),
    title.field,
    url.field,
    el('div', { className: 'row' }, publisher.field, published.field),
    el('label', { className: 'field' }, el('span', { textContent: t('reviewLang') }), lang),
    el('label', { className: 'field' }, el('span', { textContent: t('reviewText') }), text),
    el('div', { className: 'actions' }, readButton),
  );
  const body = el('div', { className: 'review-body', hidden: true });
  box.append(form, body, status);

  panel.classList.remove('collapsed');
  panel.classList.add('editing');
  document.body.classList.add('reviewing');
  panel.prepend(box);
  panel.scrollTop = 0;
  map.resize();

  let result: IngestResult | null = null;
  let items: Item[] = [];
  let selected: string | null = null;

  const say = (s: string) => {
    status.textContent = s;
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void read();
  });

  const read = async (): Promise<void> => {
    const raw = text.value;
    const isHtml = /^\s*</.test(raw) && /<\/?[a-z][^>]*>/i.test(raw);
    const payload = {
      ...(isHtml ? { html: raw } : { text: raw }),
      source: {
        title: title.i.value.trim(),
        url: url.i.value.trim() || null,
        publisher: publisher.i.value.trim() || null,
      },
      ...(published.i.value ? { published: published.i.value } : {}),
      ...(lang.value ? { lang: lang.value } : {}),
    };
    readButton.disabled = true;
    say(t('reviewReading'));
    const r = await writeJson<IngestResult>('POST', '/api/ingest', payload, undefined, 'application/json');
    readButton.disabled = false;
    if (!r.ok || !r.body) {
      say(t('reviewFailed', { status: r.status, detail: r.detail ?? '' }));
      return;
    }
    say('');
    show(r.body);
  };

  // ---- 2. Article, candidates, map ----------------------------------------
  const place = (id: string | null) => result?.places.find((p) => p.id === id) ?? null;
  const placeText = (p: Place | null): string => {
    if (!p) return t('reviewNoPlace');
    if (p.unit) return [p.unit.name, p.unit.province?.name].filter(Boolean).join(', ');
    return p.gate?.name ?? p.road?.ref ?? p.text;
  };

  const show = (r: IngestResult): void => {
    result = r;
    items = r.candidates.map((c) => ({
      c,
      state: 'open',
      picked: true,
      placeName:
        c.type === 'feature'
          ? placeText(place(c.place))
          : placeText(r.places.find((p) => p.unit?.slug === c.unit) ?? null),
    }));
    form.hidden = true;
    body.hidden = false;
    body.dataset.ready = 'true';
    draw();
    fitCandidates();
  };

  /** The ranges a candidate owns: its own and its figures'. */
  const rangesOf = (c: Candidate): Range[] => [
    ...c.ranges,
    ...(result?.figures.filter((f) => c.figures.includes(f.id)).flatMap((f) => f.ranges) ?? []),
  ];

  const articleView = (): HTMLElement => {
    const a = result!.article;
    const txt = a.text;
    const cuts = new Set([0, txt.length]);
    const live = items.filter((i) => i.state !== 'rejected');
    for (const i of live) for (const [s, e] of rangesOf(i.c)) if (e > s) cuts.add(s).add(e);
    const at = [...cuts].filter((x) => x >= 0 && x <= txt.length).sort((x, y) => x - y);
    const out = el('div', { className: 'article-text', lang: a.lang });
    for (let k = 0; k + 1 < at.length; k++) {
      const s = at[k]!;
      const e = at[k + 1]!;
      const owners = live
        .filter((i) => rangesOf(i.c).some(([rs, re]) => rs <= s && e <= re))
        .map((i) => i.c.id);
      const piece = txt.slice(s, e);
      if (!owners.length) {
        out.append(piece);
        continue;
      }
      const m = el('mark', { textContent: piece, tabIndex: 0 });
      m.dataset.c = owners.join(' ');
      if (selected && owners.includes(selected)) m.classList.add('sel');
      const choose = () => {
        // Passages of several candidates: each click takes the next one.
        const next = owners[(owners.indexOf(selected ?? '') + 1) % owners.length]!;
        select(next, 'article');
      };
      m.addEventListener('click', choose);
      m.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          choose();
        }
      });
      out.append(m);
    }
    const meta = [a.publisher, a.published, a.url].filter(Boolean).join(' · ');
    return el(
      'article',
      { className: 'review-article' },
      el('h3', { textContent: t('reviewArticle') }),
      el('h4', { className: 'article-title', textContent: a.title }),
      ...(meta ? [el('p', { className: 'meta', textContent: meta })] : []),
      out,
    );
  };

  const candidatesView = (): HTMLElement => {
    const existing = items.filter((i) => i.c.existing).length;
    const list = el('ol', { className: 'candidates' });
    for (const item of items) list.append(card(item));
    const acceptSelected = el('button', {
      type: 'button',
      name: 'accept-selected',
      className: 'primary',
      textContent: t('reviewAcceptSelected'),
      onclick: () => void send(items.filter((i) => i.state === 'open' && i.picked)),
    });
    const acceptAll = el('button', {
      type: 'button',
      name: 'accept-all',
      textContent: t('reviewAcceptAll'),
      onclick: () => void send(items.filter((i) => i.state === 'open')),
    });
    return el(
      'div',
      { className: 'review-candidates' },
      el('h3', { textContent: t('reviewCandidates') }),
      el('p', { className: 'summary', textContent: t('reviewCount', { n: items.length, existing }) }),
      list,
      el('div', { className: 'actions' }, acceptSelected, acceptAll),
    );
  };

  const draw = (): void => {
    body.replaceChildren(articleView(), candidatesView());
    drawMap();
    if (selected) mark(selected);
  };

  // ---- One candidate's card -----------------------------------------------
  const card = (item: Item): HTMLElement => {
    const { c } = item;
    const li = el('li', { className: `candidate ${item.state}`, tabIndex: 0 });
    li.dataset.id = c.id;
    li.dataset.type = c.type;
    li.dataset.state = c.existing && item.state === 'open' ? 'existing' : item.state;
    li.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('input, select, button, textarea')) return;
      select(c.id, 'card');
    });
    li.addEventListener('keydown', (e) => {
      if (e.target === li && e.key === 'Enter') select(c.id, 'card');
    });
    const badge =
      item.state === 'accepted'
        ? t('reviewAccepted')
        : item.state === 'rejected'
          ? t('reviewRejected')
          : c.existing
            ? t('reviewExisting')
            : t('reviewNew');
    const pick = el('input', {
      type: 'checkbox',
      name: 'pick',
      checked: item.picked,
      disabled: item.state !== 'open',
    });
    pick.setAttribute('aria-label', t('reviewPick'));
    pick.addEventListener('change', () => {
      item.picked = pick.checked;
    });
    const name = candidateName(c);
    li.append(
      el(
        'div',
        { className: 'cand-head' },
        pick,
        el('span', { className: 'badge', textContent: badge }),
        el('strong', { className: 'cand-name', textContent: name }),
      ),
    );
    const open = item.state === 'open';
    if (c.type === 'feature') featureFields(li, item, c, open);
    else indicatorFields(li, c, open);
    if (c.existing) li.append(changesView(c.existing));
    if (item.error) li.append(el('p', { className: 'cand-error', role: 'alert', textContent: item.error }));
    li.append(actions(item));
    return li;
  };

  const featureFields = (li: HTMLElement, item: Item, c: FeatureCandidate, open: boolean): void => {
    const p = c.properties;
    const nameInput = el('input', { name: 'name', value: String(p.name ?? ''), disabled: !open });
    nameInput.addEventListener('change', () => {
      p.name = nameInput.value.trim();
    });
    li.append(el('label', { className: 'field' }, el('span', { textContent: t('reviewName') }), nameInput));
    if (c.layer === 'projects') {
      const enumOf: readonly string[] =
        atlas.collections.find((col) => col.id === 'projects')?.properties?.category?.enum ?? [];
      const values = enumOf.includes(String(p.category)) ? enumOf : [String(p.category), ...enumOf];
      const category = el(
        'select',
        { name: 'category', disabled: !open },
        ...values.map((v) =>
          el('option', { value: v, textContent: valueLabel('category', v), selected: v === p.category }),
        ),
      );
      category.addEventListener('change', () => {
        p.category = category.value;
      });
      li.append(
        el('label', { className: 'field' }, el('span', { textContent: t('reviewCategory') }), category),
      );
    }
    li.append(placeView(item, c, open));
    const figs = figureRows(c, open);
    if (figs) li.append(figs);
  };

  /** A figure per row: its value, and its unit where it has several (a change converts to the stored one). */
  const figureRows = (c: FeatureCandidate, open: boolean): HTMLElement | null => {
    const p = c.properties;
    const rows: HTMLElement[] = [];
    for (const key of Object.keys(UNITS)) {
      if (typeof p[key] !== 'number') continue;
      const units = UNITS[key]!;
      const value = el('input', {
        type: 'number',
        name: `fig-${key}`,
        step: 'any',
        value: String(p[key]),
        disabled: !open,
      });
      const unit = el(
        'select',
        { name: `unit-${key}`, disabled: !open },
        ...units.map((u, i) => el('option', { value: String(i), textContent: t(u.key) })),
      );
      unit.setAttribute('aria-label', `${fieldLabel(key)}: ${t('reviewUnit')}`);
      const apply = () => {
        const v = Number(value.value);
        if (value.value.trim() !== '' && Number.isFinite(v))
          p[key] = exact(v * units[Number(unit.value)]!.factor);
      };
      value.addEventListener('change', apply);
      unit.addEventListener('change', apply);
      rows.push(
        el('label', { className: 'figure' }, el('span', { textContent: fieldLabel(key) }), value, unit),
      );
    }
    const details = (p.details ?? {}) as Record<string, unknown>;
    for (const [key, v] of Object.entries(details)) {
      if (typeof v !== 'number') continue;
      const value = el('input', {
        type: 'number',
        name: `fig-${key}`,
        step: 'any',
        value: String(v),
        disabled: !open,
      });
      value.addEventListener('change', () => {
        const n = Number(value.value);
        if (value.value.trim() !== '' && Number.isFinite(n)) details[key] = n;
      });
      rows.push(el('label', { className: 'figure' }, el('span', { textContent: fieldLabel(key) }), value));
    }
    return rows.length ? el('div', { className: 'figures' }, ...rows) : null;
  };

  const indicatorFields = (li: HTMLElement, c: IndicatorCandidate, open: boolean): void => {
    const value = el('input', {
      type: 'number',
      name: 'value',
      step: 'any',
      value: String(c.value),
      disabled: !open,
    });
    value.addEventListener('change', () => {
      const n = Number(value.value);
      if (value.value.trim() !== '' && Number.isFinite(n)) c.value = n;
    });
    // The year the figure is of: an undated one (the article says "now") needs the editor's year.
    const year = el('input', {
      type: 'number',
      name: 'year',
      min: '1900',
      max: '2100',
      step: '1',
      value: c.year === null ? '' : String(c.year),
      disabled: !open,
    });
    year.addEventListener('change', () => {
      const n = Number(year.value);
      c.year = year.value.trim() !== '' && Number.isInteger(n) ? n : null;
    });
    li.append(
      el('p', {
        className: 'place-line',
        textContent: `${t('reviewPlace')}: ${itemOf(c.id)?.placeName ?? c.unit}`,
      }),
      el('label', { className: 'figure' }, el('span', { textContent: t('reviewValue') }), value),
      c.period_start !== null
        ? el('p', {
            className: 'meta',
            textContent: `${t('reviewYear')}: ${c.period_start}–${c.period_end ?? ''}`,
          })
        : el('label', { className: 'figure' }, el('span', { textContent: t('reviewYear') }), year),
    );
  };

  const changesView = (e: Existing): HTMLElement => {
    const entries = Object.entries(e.changes);
    if (!entries.length) return el('p', { className: 'changes', textContent: t('reviewNoChanges') });
    const ul = el('ul', { className: 'changes' });
    for (const [k, v] of entries)
      ul.append(
        el('li', {
          textContent: `${fieldLabel(k.replace(/^details\./, ''))}: ${show1(v.from)} → ${show1(v.to)}`,
        }),
      );
    return el('div', {}, el('p', { className: 'changes-title', textContent: t('reviewChanges') }), ul);
  };

  /** The place, and its correction through the gazetteer. */
  const placeView = (item: Item, c: FeatureCandidate, open: boolean): HTMLElement => {
    const line = el(
      'p',
      { className: 'place-line' },
      `${t('reviewPlace')}: `,
      el('span', { className: 'place-name', textContent: item.placeName }),
    );
    const how = el('p', { className: 'meta how', textContent: howText(c.location) });
    const wrap = el('div', { className: 'place' }, line, how);
    if (!open) return wrap;
    const q = el('input', { type: 'search', name: 'place-q', placeholder: t('reviewPlaceSearch') });
    q.setAttribute('aria-label', t('reviewPlaceSearch'));
    const results = el('ol', { className: 'place-results' });
    const finder = el('div', { className: 'place-search', hidden: true }, q, results);
    const fix = el('button', {
      type: 'button',
      name: 'fix-place',
      textContent: t('reviewFixPlace'),
      onclick: () => {
        finder.hidden = !finder.hidden;
        if (!finder.hidden) q.focus();
      },
    });
    let ask: AbortController | null = null;
    q.addEventListener('input', () => {
      ask?.abort();
      const words = q.value.trim();
      if (words.length < 2) return results.replaceChildren();
      ask = new AbortController();
      void search(words, ask.signal)
        .then((found) => {
          results.replaceChildren(
            ...found
              .filter((r) => r.entity === 'unit')
              .map((r) =>
                el(
                  'li',
                  {},
                  el('button', {
                    type: 'button',
                    name: 'place-result',
                    className: 'result',
                    textContent: unitLine(r),
                    onclick: () => choosePlace(item, c, r, found),
                  }),
                ),
              ),
          );
        })
        .catch(() => undefined);
    });
    line.append(' ', fix);
    wrap.append(finder);
    return wrap;
  };

  /** The unit picked: the 2025 unit it is (or became), its seat as the point when it has one. */
  const choosePlace = (item: Item, c: FeatureCandidate, r: SearchResult, all: SearchResult[]): void => {
    const now = r.valid_to === null ? r : (all.find((s) => s.successor_of?.id === r.id) ?? r);
    const code = now.code ?? r.code;
    delete c.properties.commune;
    delete c.properties.commune_slug;
    if (code) c.properties.commune_code = code;
    const name = [now.name, now.parents?.province?.name].filter(Boolean).join(', ');
    item.placeName = name;
    if (now.point) {
      c.location = {
        geometry: { type: 'Point', coordinates: now.point },
        precision: 'approximate',
        uncertainty_m: now.level === 'province' ? 50_000 : now.level === 'district' ? 15_000 : 5_000,
        how: t('reviewSeatOf', { name: `${now.kind} ${now.name}` }),
      };
      item.error = undefined;
    } else item.error = t('reviewNoSeat', { name: now.name });
    draw();
    select(c.id, 'card');
  };

  const actions = (item: Item): HTMLElement => {
    const { c } = item;
    const bar = el('div', { className: 'cand-actions' });
    if (item.state === 'accepted') return bar;
    if (item.state === 'rejected') {
      bar.append(
        el('button', {
          type: 'button',
          name: 'undo',
          textContent: t('reviewUndo'),
          onclick: () => {
            item.state = 'open';
            draw();
          },
        }),
      );
      return bar;
    }
    bar.append(
      el('button', {
        type: 'button',
        name: 'accept',
        className: 'primary',
        textContent: t('reviewAccept'),
        onclick: () => void send([item]),
      }),
      el('button', {
        type: 'button',
        name: 'reject',
        textContent: t('reviewReject'),
        onclick: () => {
          item.state = 'rejected';
          draw();
        },
      }),
    );
    if (c.type === 'feature' && !c.existing)
      bar.append(
        el('button', {
          type: 'button',
          name: 'split',
          textContent: t('reviewSplit'),
          onclick: () => split(item),
        }),
      );
    const others = items.filter((o) => o !== item && o.state === 'open' && o.c.type === c.type);
    if (others.length) {
      const merge = el(
        'select',
        { name: 'merge' },
        el('option', { value: '', textContent: t('reviewMerge') }),
        ...others.map((o) => el('option', { value: o.c.id, textContent: candidateName(o.c) })),
      );
      merge.setAttribute('aria-label', t('reviewMerge'));
      merge.addEventListener('change', () => {
        const other = items.find((o) => o.c.id === merge.value);
        if (other) mergeInto(item, other);
      });
      bar.append(merge);
    }
    return bar;
  };

  /** `other` folds into `item`: its passages and figures, the values `item` lacks. */
  const mergeInto = (item: Item, other: Item): void => {
    const a = item.c;
    const b = other.c;
    a.ranges = [...a.ranges, ...b.ranges];
    a.figures = [...new Set([...a.figures, ...b.figures])];
    a.existing ??= b.existing;
    if (a.type === 'feature' && b.type === 'feature') {
      for (const [k, v] of Object.entries(b.properties)) {
        if (k === 'details')
          a.properties.details = { ...(v as object), ...((a.properties.details as object) ?? {}) };
        else if (a.properties[k] === null || a.properties[k] === undefined) a.properties[k] = v;
      }
      if (!a.location.geometry) a.location = b.location;
    }
    items = items.filter((i) => i !== other);
    draw();
    select(a.id, 'card');
  };

  /** One candidate that is two: the copy takes the later passages, the editor corrects each. */
  const split = (item: Item): void => {
    const c = item.c as FeatureCandidate;
    let n = 2;
    while (items.some((i) => i.c.id === `${c.id}-${n}`)) n++;
    const half = Math.ceil(c.ranges.length / 2);
    const copy: FeatureCandidate = structuredClone(c);
    copy.id = `${c.id}-${n}`;
    copy.ranges = c.ranges.length > 1 ? c.ranges.slice(half) : [...c.ranges];
    copy.figures = [];
    copy.existing = null;
    copy.properties.name = t('reviewSplitName', { name: String(c.properties.name ?? '') });
    delete copy.properties.slug;
    if (c.ranges.length > 1) c.ranges = c.ranges.slice(0, half);
    items.splice(items.indexOf(item) + 1, 0, { ...item, c: copy, error: undefined });
    draw();
    select(copy.id, 'card');
  };

  // ---- Selection, everywhere ----------------------------------------------
  const mark = (id: string | null): void => {
    for (const m of body.querySelectorAll<HTMLElement>('.article-text mark'))
      m.classList.toggle('sel', id !== null && m.dataset.c!.split(' ').includes(id));
    for (const li of body.querySelectorAll<HTMLElement>('li.candidate')) {
      const on = li.dataset.id === id;
      li.classList.toggle('sel', on);
      li.setAttribute('aria-current', String(on));
    }
    if (map.getLayer('review:halo')) map.setFilter('review:halo', ['==', ['get', 'id'], id ?? '']);
  };

  const select = (id: string, from: 'article' | 'card' | 'map'): void => {
    selected = id;
    body.dataset.selected = id;
    mark(id);
    if (from !== 'article')
      body
        .querySelector<HTMLElement>(`.article-text mark[data-c~="${CSS.escape(id)}"]`)
        ?.scrollIntoView({ block: 'nearest' });
    if (from !== 'card')
      body
        .querySelector<HTMLElement>(`li.candidate[data-id="${CSS.escape(id)}"]`)
        ?.scrollIntoView({ block: 'nearest' });
    const item = itemOf(id);
    const g = item?.c.type === 'feature' ? item.c.location.geometry : null;
    if (g && from !== 'map') map.easeTo({ center: g.coordinates, zoom: Math.max(map.getZoom(), 9) });
  };

  const itemOf = (id: string) => items.find((i) => i.c.id === id);

  // ---- The map ------------------------------------------------------------
  const points = () => ({
    type: 'FeatureCollection' as const,
    features: items.flatMap((i) =>
      i.c.type === 'feature' && i.c.location.geometry && i.state !== 'rejected'
        ? [
            {
              type: 'Feature' as const,
              geometry: i.c.location.geometry,
              properties: {
                id: i.c.id,
                state: i.state === 'accepted' ? 'accepted' : i.c.existing ? 'existing' : 'new',
              },
            },
          ]
        : [],
    ),
  });

  const onPoint = (e: MapMouseEvent & { features?: { properties: { id?: string } }[] }) => {
    const id = e.features?.[0]?.properties.id;
    if (id) select(id, 'map');
  };
  const drawMap = (): void => {
    const data = points();
    const src = map.getSource(SRC) as GeoJSONSource | undefined;
    if (src) return void src.setData(data);
    map.addSource(SRC, { type: 'geojson', data });
    map.addLayer({
      id: 'review:halo',
      type: 'circle',
      source: SRC,
      filter: ['==', ['get', 'id'], ''],
      paint: {
        'circle-radius': 14,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-width': 3,
        'circle-stroke-color': '#111',
      },
    });
    map.addLayer({
      id: 'review:points',
      type: 'circle',
      source: SRC,
      paint: {
        'circle-radius': 8,
        'circle-color': ['match', ['get', 'state'], 'accepted', '#1b7f3b', 'existing', '#7a4a00', '#b3006b'],
        'circle-stroke-width': 2,
        'circle-stroke-color': '#fff',
      },
    });
    map.on('click', 'review:points', onPoint);
  };

  const fitCandidates = (): void => {
    const cs = points().features.map((f) => f.geometry.coordinates);
    if (!cs.length) return;
    const xs = cs.map((c) => c[0]);
    const ys = cs.map((c) => c[1]);
    map.fitBounds(
      [
        [Math.min(...xs) - 0.05, Math.min(...ys) - 0.05],
        [Math.max(...xs) + 0.05, Math.max(...ys) + 0.05],
      ],
      { padding: 40, maxZoom: 11, duration: 0 },
    );
  };

  // ---- 4. Accept ----------------------------------------------------------
  const send = async (chosen: Item[]): Promise<void> => {
    if (!result) return;
    if (!chosen.length) return say(t('reviewNothingPicked'));
    for (const i of chosen) i.error = undefined;
    const a = result.article;
    const r: WriteResult<{ source: string; written: { candidate: string; layer: string; id: number }[] }> =
      await writeJson(
        'POST',
        '/api/ingest/accept',
        {
          article: {
            title: a.title,
            url: a.url,
            publisher: a.publisher,
            published: a.published,
            hash: a.hash,
          },
          candidates: chosen.map((i) => i.c),
        },
        undefined,
        'application/json',
      );
    if (!r.ok || !r.body) {
      if (r.status === 412) say(t('reviewStale'));
      else say(t('editRefused', { status: r.status, detail: r.detail ?? '' }));
      for (const e of r.errors ?? []) {
        const m = /^candidates\[(\d+)\]\.?(.*)$/.exec(e.field);
        const item = m ? chosen[Number(m[1])] : undefined;
        if (item) item.error = [item.error, `${m![2] || e.field}: ${e.message}`].filter(Boolean).join('; ');
      }
      draw();
      return;
    }
    for (const w of r.body.written) {
      const item = itemOf(w.candidate);
      if (item) {
        item.state = 'accepted';
        item.written = { layer: w.layer, id: w.id };
      }
    }
    say(t('reviewSaved', { n: r.body.written.length, title: a.title }));
    draw();
    hooks.changed();
  };

  // ---- Close --------------------------------------------------------------
  const close = (): void => {
    map.off('click', 'review:points', onPoint);
    for (const l of LAYERS) if (map.getLayer(l)) map.removeLayer(l);
    if (map.getSource(SRC)) map.removeSource(SRC);
    box.remove();
    panel.classList.remove('editing');
    document.body.classList.remove('reviewing');
    map.resize();
    hooks.closed();
  };
  closeButton.addEventListener('click', close);
  title.i.focus();

  // For the end-to-end tests, as window.atlas is.
  (window as unknown as { atlasReview?: { result: () => IngestResult | null } }).atlasReview = {
    result: () => result,
  };
  return { close };
}

function candidateName(c: Candidate): string {
  return c.type === 'feature'
    ? String(c.properties.name ?? c.properties.ref ?? c.id)
    : (c.label?.[getLang()] ?? fieldLabel(c.indicator));
}

function howText(l: Location): string {
  const km = l.uncertainty_m ? ` ± ${Math.round(l.uncertainty_m / 100) / 10} km` : '';
  return `${valueLabel('precision', l.precision)}${km}${l.how ? ` · ${l.how}` : ''}`;
}

function unitLine(r: SearchResult): string {
  const parent = [r.parents?.district?.name, r.parents?.province?.name].filter(Boolean).join(', ');
  const until = r.valid_to ? ` (→ ${r.valid_to.slice(0, 4)})` : '';
  return `${r.kind} ${r.name}${parent ? `, ${parent}` : ''}${until}`;
}

function show1(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return v.toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-GB');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

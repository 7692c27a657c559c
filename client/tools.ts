/**
 * The planner's tools over the map (issue 14, "Beyond"): a data table of
 * what is filtered, a time slider over the projects' years, measuring and
 * bands of N km around a feature, and printing the map to PDF or PNG.
 *
 * A toolbar at the map's top left opens each tool as a card in one column
 * beside it (the column scrolls; it never covers the panel). On a phone the
 * cards go to a sheet of their own between the map and the panel instead:
 * the map shrinks to the room left (the panel folds to its tabs), so a card
 * never covers the map nor the feature a row or a tool has just selected;
 * the sheet's handle folds it to its cards' titles. Each tool's code is
 * fetched on its first opening (dynamic import), so the first render of the
 * page carries only this toolbar.
 *
 *   toolsBar(atlas, { setFilters })   // main.ts, once the map has loaded
 */
import './tools.css';
import { onLang, t } from './i18n.ts';
import type { Atlas } from './map.ts';
import type { Filters } from './url-state.ts';

export interface ToolsContext {
  atlas: Atlas;
  /** Applies filters through the page's one filter state (form, map, statistics, badges, URL). */
  setFilters(f: Filters): void;
}

/** What a tool gives back: called when its card is hidden or shown again. */
export interface Tool {
  hide?(): void;
  show?(): void;
}

type Name = 'table' | 'timeline' | 'measure' | 'print';

const LOADERS: Record<Name, () => Promise<{ mount(card: HTMLElement, ctx: ToolsContext): Tool }>> = {
  table: () => import('./table.ts'),
  timeline: () => import('./timeline.ts'),
  measure: () => import('./measure.ts'),
  print: () => import('./print.ts'),
};

const TITLES: Record<Name, 'toolTable' | 'toolTimeline' | 'toolMeasure' | 'toolPrint'> = {
  table: 'toolTable',
  timeline: 'toolTimeline',
  measure: 'toolMeasure',
  print: 'toolPrint',
};

export function toolsBar(ctx: ToolsContext): void {
  const root = document.createElement('div');
  root.className = 'tools';
  const bar = document.createElement('div');
  bar.className = 'tools-bar';
  bar.setAttribute('role', 'toolbar');
  const dock = document.createElement('div');
  dock.className = 'tools-dock';
  root.append(bar, dock);
  ctx.atlas.map.getContainer().append(root);

  // The phone's sheet: a sibling of the map (the map's own box shrinks), with a handle that folds it.
  const phone = window.matchMedia('(max-width: 700px)');
  const sheet = document.createElement('section');
  sheet.className = 'tools-sheet';
  const handle = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'tools-sheet-handle',
  });
  sheet.append(handle);
  ctx.atlas.map.getContainer().before(sheet);
  const fold = (folded: boolean): void => {
    sheet.classList.toggle('folded', folded);
    handle.setAttribute('aria-expanded', String(!folded));
    handle.setAttribute('aria-label', t(folded ? 'showTools' : 'hideTools'));
  };
  handle.addEventListener('click', () => fold(!sheet.classList.contains('folded')));
  const place = (): void => {
    if (phone.matches && dock.parentElement !== sheet) sheet.append(dock);
    if (!phone.matches && dock.parentElement !== root) root.append(dock);
    sheet.hidden = !phone.matches || ![...dock.children].some((c) => !(c as HTMLElement).hidden);
  };
  phone.addEventListener('change', place);

  const cards = new Map<Name, { card: HTMLElement; tool: Promise<Tool> }>();
  const buttons = new Map<Name, HTMLButtonElement>();

  const label = (): void => {
    bar.setAttribute('aria-label', t('toolsLabel'));
    sheet.setAttribute('aria-label', t('toolsSheet'));
    fold(sheet.classList.contains('folded'));
    for (const [name, b] of buttons) b.textContent = t(TITLES[name]);
    for (const [name, c] of cards) {
      const h = c.card.querySelector('h2');
      if (h) h.textContent = t(TITLES[name]);
      c.card.querySelector('.tool-close')?.setAttribute('aria-label', t('toolClose'));
    }
  };

  const toggle = async (name: Name, on: boolean): Promise<void> => {
    buttons.get(name)!.setAttribute('aria-pressed', String(on));
    let c = cards.get(name);
    if (!on) {
      if (!c) return;
      c.card.hidden = true;
      place();
      (await c.tool).hide?.();
      return;
    }
    if (phone.matches) {
      // The card's room is taken from the panel, not the map: the panel folds to its tabs.
      window.dispatchEvent(new Event('atlas:fold-panel'));
      fold(false);
    }
    if (c) {
      c.card.hidden = false;
      place();
      (await c.tool).show?.();
      return;
    }
    const card = document.createElement('section');
    card.className = `tool-card tool-${name}`;
    card.dataset.tool = name;
    const head = document.createElement('header');
    const h = Object.assign(document.createElement('h2'), { textContent: t(TITLES[name]) });
    const close = Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'tool-close',
      textContent: '×',
    });
    close.setAttribute('aria-label', t('toolClose'));
    close.addEventListener('click', () => void toggle(name, false));
    head.append(h, close);
    const body = document.createElement('div');
    body.className = 'tool-body';
    card.append(head, body);
    card.setAttribute('aria-label', t(TITLES[name]));
    dock.append(card);
    place();
    c = { card, tool: LOADERS[name]().then((m) => m.mount(body, ctx)) };
    cards.set(name, c);
    await c.tool;
  };

  for (const name of Object.keys(LOADERS) as Name[]) {
    const b = Object.assign(document.createElement('button'), { type: 'button', className: 'tool-button' });
    b.dataset.tool = name;
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => void toggle(name, b.getAttribute('aria-pressed') !== 'true'));
    buttons.set(name, b);
    bar.append(b);
  }
  fold(false);
  place();
  label();
  onLang(label);
}

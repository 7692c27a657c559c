/**
 * Keyboard and small screens, for the page's fixed parts:
 *
 * - The panel's tabs follow the WAI-ARIA tabs pattern: one tab in the Tab
 *   order (the selected one), ←/→ move to the previous/next tab and select
 *   it, Home/End to the first/last.
 * - On a phone the panel is a sheet under the map: it starts folded to its
 *   row of tabs (the map gets the screen), a tab unfolds it, the handle (or
 *   the selected tab again) folds it.
 */
import { onLang, t } from './i18n.ts';

export function keyboardTabs(list: HTMLElement): void {
  const tabs = (): HTMLButtonElement[] => [...list.querySelectorAll<HTMLButtonElement>('[role=tab]')];
  const sync = (): void => {
    for (const tab of tabs()) tab.tabIndex = tab.getAttribute('aria-selected') === 'true' ? 0 : -1;
  };
  sync();
  new MutationObserver(sync).observe(list, { subtree: true, attributeFilter: ['aria-selected'] });
  list.addEventListener('keydown', (e) => {
    const all = tabs();
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % all.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + all.length) % all.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? all.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    all[next]!.focus();
    all[next]!.click();
  });
}

/** The phone's panel sheet: folded to its tabs until one is chosen. */
export function panelSheet(panel: HTMLElement): void {
  const phone = window.matchMedia('(max-width: 700px)');
  const handle = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'sheet-handle',
  });
  handle.setAttribute('aria-controls', panel.id);
  const tabsRow = panel.querySelector<HTMLElement>('.tabs');
  panel.prepend(handle);
  const set = (folded: boolean): void => {
    panel.classList.toggle('peek', folded);
    handle.setAttribute('aria-expanded', String(!folded));
    handle.setAttribute('aria-label', t(folded ? 'showPanel' : 'hidePanel'));
    handle.dataset.folded = String(folded);
  };
  // Folded at first on a phone, unless the link names a tab to show.
  set(phone.matches && !/[#&]tab=/.test(window.location.hash));
  handle.addEventListener('click', () => set(!panel.classList.contains('peek')));
  tabsRow?.addEventListener(
    'click',
    (e) => {
      const tab = (e.target as HTMLElement).closest<HTMLElement>('[role=tab]');
      // A tab always shows its panel (tapping the open one again must not hide what was asked
      // for); the handle folds it.
      if (!tab || !phone.matches) return;
      set(false);
    },
    true,
  );
  phone.addEventListener('change', () => {
    if (!phone.matches) set(false);
  });
  // A tool opened on a phone takes the panel's room (client/tools.ts): the panel folds to its tabs.
  window.addEventListener('atlas:fold-panel', () => {
    if (phone.matches) set(true);
  });
  onLang(() => set(panel.classList.contains('peek')));
}

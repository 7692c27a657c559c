/**
 * A time slider over the projects' years, with playback: at year Y the map,
 * the table, the statistics and the export show the projects up to Y (or,
 * with "only this year", those whose period includes Y). It drives the
 * years of the page's one filter state (filters.ts: yearTo, and yearFrom for
 * "only this year"), through the same path as the filter form, so every
 * panel agrees; the year badge removes it.
 *
 * A project with no year known is left out once a year is set (filters.ts).
 * Loaded on the first opening of the time slider (tools.ts).
 */
import { filterState } from './filters.ts';
import { onLang, t } from './i18n.ts';
import { items } from './selection.ts';
import type { Tool, ToolsContext } from './tools.ts';

const SPEEDS = [
  { ms: 1600, label: '0,5×', labelEn: '0.5×' },
  { ms: 800, label: '1×', labelEn: '1×' },
  { ms: 400, label: '2×', labelEn: '2×' },
];

/** The first and last year any project carries. */
export async function yearSpan(): Promise<[number, number] | null> {
  const { features } = await items('projects');
  const ys = features
    .flatMap((f) => [f.properties.start_year, f.properties.end_year])
    .filter((y): y is number => typeof y === 'number');
  return ys.length ? [Math.min(...ys), Math.max(...ys)] : null;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: object = {}): HTMLElementTagNameMap[K] =>
  Object.assign(document.createElement(tag), props);

export function mount(body: HTMLElement, ctx: ToolsContext): Tool {
  const slider = el('input', { type: 'range', id: 'timeline-year', step: '1' });
  const label = el('label', { htmlFor: 'timeline-year' });
  const out = el('output', { className: 'timeline-year' });
  out.htmlFor.add('timeline-year');
  const only = el('input', { type: 'checkbox', id: 'timeline-only' });
  const onlyLabel = el('label', { htmlFor: 'timeline-only' });
  const back = el('button', { type: 'button', className: 'timeline-back', textContent: '«' });
  const play = el('button', { type: 'button', className: 'timeline-play' });
  const next = el('button', { type: 'button', className: 'timeline-next', textContent: '»' });
  const speed = el('select', { id: 'timeline-speed' });
  const speedLabel = el('label', { htmlFor: 'timeline-speed' });
  const all = el('button', { type: 'button', className: 'timeline-all' });
  const row1 = el('div', { className: 'timeline-row' });
  row1.append(label, slider, out);
  const row2 = el('div', { className: 'timeline-row' });
  row2.append(back, play, next, speedLabel, speed);
  const row3 = el('div', { className: 'timeline-row' });
  const onlyWrap = el('span');
  onlyWrap.append(only, onlyLabel);
  row3.append(onlyWrap, all);
  body.append(row1, row2, row3);
  for (const i of SPEEDS.keys()) speed.append(el('option', { value: String(i) }));
  speed.value = '1';
  for (const b of [back, play, next, slider, only, speed, all]) b.disabled = true;

  let span: [number, number] = [0, 0];
  let timer: ReturnType<typeof setInterval> | null = null;

  const texts = (): void => {
    label.textContent = t('timelineYear');
    onlyLabel.textContent = t('timelineOnly');
    speedLabel.textContent = t('timelineSpeed');
    back.setAttribute('aria-label', t('timelineBack'));
    next.setAttribute('aria-label', t('timelineNext'));
    play.textContent = timer ? `■ ${t('timelinePause')}` : `▶ ${t('timelinePlay')}`;
    play.setAttribute('aria-pressed', String(timer !== null));
    all.textContent = t('timelineAll');
    const en = document.documentElement.lang === 'en';
    for (const [i, s] of SPEEDS.entries()) speed.options[i]!.textContent = en ? s.labelEn : s.label;
    const y = filterState.filters.yearTo;
    out.textContent =
      y === null ? t('timelineAllYears') : only.checked ? String(y) : t('timelineUpTo', { y });
    slider.setAttribute('aria-valuetext', out.textContent);
  };

  const apply = (y: number | null): void => {
    const f = filterState.filters;
    const at = only.checked && y !== null;
    // "Up to Y" keeps a start year the person set in the filter form (when it does not pass Y).
    const from = at ? y : f.yearFrom !== null && y !== null && f.yearFrom > y ? null : f.yearFrom;
    ctx.setFilters({ ...f, yearTo: y, yearFrom: y === null && f.yearFrom === f.yearTo ? null : from });
    texts();
  };

  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
    texts();
  };
  const step = (d: number): boolean => {
    const y = Number(slider.value) + d;
    if (y < span[0] || y > span[1]) return false;
    slider.value = String(y);
    apply(y);
    return true;
  };

  slider.addEventListener('input', () => apply(Number(slider.value)));
  only.addEventListener('change', () => apply(Number(slider.value)));
  back.addEventListener('click', () => step(-1));
  next.addEventListener('click', () => step(1));
  all.addEventListener('click', () => {
    stop();
    only.checked = false;
    apply(null);
  });
  play.addEventListener('click', () => {
    if (timer) return stop();
    if (Number(slider.value) >= span[1] || filterState.filters.yearTo === null) {
      slider.value = String(span[0]);
      apply(span[0]);
    }
    timer = setInterval(() => {
      if (!step(1)) stop();
    }, SPEEDS[Number(speed.value)]!.ms);
    texts();
  });
  speed.addEventListener('change', () => {
    if (!timer) return;
    stop();
    play.click();
  });
  // The year badge or the form changed the years: the slider follows.
  filterState.onChange((why) => {
    if (why !== 'filters') return;
    const y = filterState.filters.yearTo;
    if (y !== null) slider.value = String(y);
    texts();
  });
  onLang(texts);
  texts();

  void yearSpan().then((s) => {
    if (!s) {
      out.textContent = t('timelineNone');
      return;
    }
    span = s;
    slider.min = String(s[0]);
    slider.max = String(s[1]);
    slider.value = String(filterState.filters.yearTo ?? s[1]);
    for (const b of [back, play, next, slider, only, speed, all]) b.disabled = false;
    body.dataset.ready = 'true';
    texts();
  });
  return { hide: stop };
}

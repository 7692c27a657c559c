/**
 * The filter form. The category and funding lists are the values the
 * server's collections declare for those properties (from the layer
 * registry), labelled in the page language; the hint names the layers the
 * filters apply to.
 */
import type { Collection } from './api.ts';
import { FILTERED_FIELDS } from './filters.ts';
import { fieldLabel, onLang, t, valueLabel } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import type { Filters } from './url-state.ts';

/** Every value any layer declares for `property`, in the order they come. */
function valuesOf(cols: readonly Collection[], property: string): string[] {
  return [...new Set(cols.flatMap((c) => c.properties?.[property]?.enum ?? []))];
}

function checkboxes(name: string, property: string, values: string[], chosen: string[]): HTMLFieldSetElement {
  const fs = document.createElement('fieldset');
  fs.className = 'choices';
  fs.dataset.name = name;
  fs.append(Object.assign(document.createElement('legend'), { textContent: fieldLabel(property) }));
  for (const v of values) {
    const label = document.createElement('label');
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', name, value: v });
    box.checked = chosen.includes(v);
    label.append(box, valueLabel(property, v));
    fs.append(label);
  }
  return fs;
}

function numberInput(
  name: string,
  key: 'yearFrom',
  value: number | null,
  attrs: Record<string, string>,
): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'number';
  const input = document.createElement('input');
  input.type = 'number';
  input.name = name;
  for (const [k, v] of Object.entries(attrs)) input.setAttribute(k, v);
  input.value = value === null ? '' : String(value);
  label.append(t(key), input);
  return label;
}

export function filtersPanel(
  root: HTMLElement,
  cols: readonly Collection[],
  initial: Filters,
  onChange: (f: Filters) => void,
): { set(f: Filters): void } {
  const lists = { category: valuesOf(cols, 'category'), funding: valuesOf(cols, 'funding') };
  const filtered = cols.filter((c) => FILTERED_FIELDS.some((f) => c.properties?.[f]));
  let current = initial;
  const form = document.createElement('form');
  form.className = 'filters';
  const read = (): Filters => {
    const fd = new FormData(form);
    const n = (k: string): number | null => {
      const v = String(fd.get(k) ?? '').trim();
      return v === '' || !Number.isFinite(Number(v)) ? null : Number(v);
    };
    return {
      categories: fd.getAll('category').map(String),
      funding: fd.getAll('funding').map(String),
      yearFrom: n('yearFrom'),
      yearTo: n('yearTo'),
      minInvestment: n('minInvestment'),
    };
  };
  const render = (): void => {
    const years = document.createElement('fieldset');
    years.className = 'years';
    years.append(
      Object.assign(document.createElement('legend'), { textContent: t('years') }),
      numberInput('yearFrom', 'yearFrom', current.yearFrom, { min: '1990', max: '2040', step: '1' }),
      numberInput('yearTo', 'yearTo' as 'yearFrom', current.yearTo, { min: '1990', max: '2040', step: '1' }),
    );
    const money = numberInput('minInvestment', 'minInvestment' as 'yearFrom', current.minInvestment, {
      min: '0',
      step: 'any',
    });
    const clear = Object.assign(document.createElement('button'), {
      type: 'reset',
      textContent: t('clearFilters'),
    });
    const hint = Object.assign(document.createElement('p'), {
      className: 'hint',
      textContent: t('filteredHint', { layers: filtered.map(layerTitle).join(', ') }),
    });
    form.replaceChildren(
      hint,
      checkboxes('category', 'category', lists.category, current.categories),
      checkboxes('funding', 'funding', lists.funding, current.funding),
      years,
      money,
      clear,
    );
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      current = read();
      onChange(current);
    }, 200);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('reset', () => setTimeout(changed));
  onLang(render);
  root.replaceChildren(form);
  return {
    set(f) {
      current = f;
      render();
    },
  };
}

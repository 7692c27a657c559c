/**
 * The filter form. Category and funding lists come from the projects
 * layer's queryables (the registry's enums), labelled in the page language.
 */
import { getJson } from './api.ts';
import { knownValues, onLang, t, valueLabel } from './i18n.ts';
import type { Filters } from './url-state.ts';

interface Queryables {
  properties: Record<string, { enum?: string[] }>;
}

async function enums(): Promise<{ category: string[]; funding: string[] }> {
  try {
    const q = await getJson<Queryables>('/ogc/collections/projects/queryables');
    return {
      category: q.properties.category?.enum ?? knownValues('category'),
      funding: q.properties.funding?.enum ?? knownValues('funding'),
    };
  } catch {
    return { category: knownValues('category'), funding: knownValues('funding') };
  }
}

function checkboxes(name: string, property: string, values: string[], chosen: string[]): HTMLFieldSetElement {
  const fs = document.createElement('fieldset');
  fs.className = 'choices';
  fs.dataset.name = name;
  fs.append(Object.assign(document.createElement('legend'), { textContent: t(name as 'category') }));
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

export async function filtersPanel(
  root: HTMLElement,
  initial: Filters,
  onChange: (f: Filters) => void,
): Promise<{ set(f: Filters): void }> {
  const lists = await enums();
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
      textContent: t('filteredHint'),
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

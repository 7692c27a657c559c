// Minimal client for the foundation: place search against /api/search.
// The layered MapLibre map replaces this page (issue #6).
const text = {
  vi: {
    tagline: 'Hạ tầng và đầu tư vùng núi, biên giới và hải đảo',
    searchLabel: 'Tìm địa danh',
    searchButton: 'Tìm',
    none: 'Không tìm thấy',
    successorOf: 'nay thuộc',
    until: 'đến',
  },
  en: {
    tagline: 'Infrastructure and investment in mountainous, border and island areas',
    searchLabel: 'Search places',
    searchButton: 'Search',
    none: 'Nothing found',
    successorOf: 'now includes',
    until: 'until',
  },
};
const lang: keyof typeof text = navigator.language.startsWith('vi') || !navigator.language ? 'vi' : 'en';
const t = text[lang];
for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
  el.textContent = t[el.dataset.i18n as keyof typeof t];
}

interface Result {
  name: string;
  kind: string;
  level: string;
  parent: string | null;
  valid_to: string | null;
  point: [number, number] | null;
  successor_of?: { name: string };
}

const form = document.querySelector<HTMLFormElement>('#search')!;
const list = document.querySelector<HTMLOListElement>('#results')!;
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = new FormData(form).get('q')?.toString() ?? '';
  const res = await fetch(`/api/search?q=${encodeURIComponent(q)}`);
  const body = await res.json();
  list.replaceChildren();
  const results: Result[] = res.ok ? body.results : [];
  if (!res.ok || results.length === 0) {
    list.append(Object.assign(document.createElement('li'), { textContent: res.ok ? t.none : body.detail }));
    return;
  }
  for (const r of results) {
    const li = document.createElement('li');
    const meta = [
      r.kind,
      r.parent,
      r.valid_to ? `${t.until} ${r.valid_to}` : null,
      r.successor_of ? `${t.successorOf} ${r.successor_of.name}` : null,
    ]
      .filter(Boolean)
      .join(' · ');
    li.append(Object.assign(document.createElement('strong'), { textContent: r.name }), ' ');
    li.append(Object.assign(document.createElement('span'), { className: 'meta', textContent: meta }));
    list.append(li);
  }
});

/**
 * Every relative link in README.md and docs/*.md points to a file that exists
 * and, when it names a heading (`page.md#heading`), to a heading of that page
 * (GitHub's anchor for it). Links to other sites are not fetched.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaults } from '../server/config.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

// Pages another branch of the same change adds (docs/adding-a-layer.md comes with the layer
// registry work). Once such a page exists the entry must go: the test fails while both hold.
/** GitHub's anchor for a heading: its text lower-cased, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The text outside fenced code blocks. */
function unfenced(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The text outside code, where links are links. */
function prose(markdown: string): string {
  return unfenced(markdown).replace(/`[^`\n]*`/g, '');
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of unfenced(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function links(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const angle = [...text.matchAll(/<((?:https?|mailto):[^>\s]+)>/g)].map((m) => m[1]!);
  return [...inline, ...angle];
}

/** Broken relative links of one Markdown file (its path relative to the repository). */
function brokenLinks(
  file: string,
  read = (f: string) => readFileSync(path.join(root, f), 'utf8'),
  exists = (f: string) => existsSync(path.join(root, f)),
) {
  const broken: string[] = [];
  for (const target of links(read(file))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
    const linked =
      rawPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), rawPath));
    if (linked.startsWith('..') || !exists(linked)) {
      broken.push(`${file}: ${target} (no file ${linked})`);
      continue;
    }
    if (anchor !== undefined && linked.endsWith('.md') && !anchors(read(linked)).has(anchor)) {
      broken.push(`${file}: ${target} (no heading #${anchor} in ${linked})`);
    }
  }
  return broken;
}

const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('documentation links', () => {
  it('finds the links of a page, and reports a missing file and a missing heading', () => {
    const fake: Record<string, string> = {
      'docs/a.md': [
        '# A page',
        '## Cache and freshness',
        'See [b](b.md), [gone](gone.md), [here](#cache-and-freshness), [nowhere](#nowhere),',
        '[tiles](../README.md#no-such-heading) and [a site](https://example.org/x.md).',
        '```',
        '[not a link](inside-a-fence.md)',
        '```',
      ].join('\n'),
      'docs/b.md': '# B',
      'README.md': '# Border Atlas',
    };
    const read = (f: string) => {
      if (!(f in fake)) throw new Error(`read ${f}`);
      return fake[f]!;
    };
    const found = brokenLinks('docs/a.md', read, (f) => f in fake).map((b) => b.split(' ')[1]);
    expect(found).toEqual(['gone.md', '#nowhere', '../README.md#no-such-heading']);
  });

  it('makes GitHub anchors from headings', () => {
    expect(slug('Place search: `GET /api/search?q=&limit=`')).toBe('place-search-get-apisearchqlimit');
    expect(slug('Benchmark: `npm run bench:tiles`')).toBe('benchmark-npm-run-benchtiles');
    expect([...anchors('# Figures\n## Figures\n')]).toEqual(['figures', 'figures-1']);
  });

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it('the README shows the test command CI runs', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/^npm test\b/m);
    expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
    expect(statSync(path.join(root, 'docs/img/map.png')).size).toBeLessThan(300_000);
  });
});

describe('docs/configuration.md', () => {
  const page = readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
  it.each(Object.entries(defaults))('shows %s with its default, %j', (name, value) => {
    expect(page).toContain(`${name}: ${JSON.stringify(value).replace(/^"|"$/g, "'")},`);
  });
});

/**
 * Builds the glyph PBFs the web map's labels use, from Noto Sans (SIL OFL
 * 1.1, the @fontsource/noto-sans package): its latin, latin-ext and
 * vietnamese subsets together cover every Vietnamese letter with its marks
 * (ă â đ ê ô ơ ư and the precomposed ạ…ỹ of U+1EA0-U+1EF9).
 *
 *   await buildGlyphs('dist/fonts') // writes dist/fonts/Noto Sans Regular/{start}-{end}.pbf
 *
 * Only ranges holding at least one glyph are written; the server answers an
 * empty range for the others.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { flatten } from './outline.ts';
import { encodeGlyphRange, type GlyphRecord } from './pbf.ts';
import { FONT_SIZE, glyphSdf } from './sdf.ts';

export const FONTSTACK = 'Noto Sans Regular';
const SUBSETS = ['latin', 'latin-ext', 'vietnamese'];
/**
 * Ranges labels can need: Latin-1, Latin Extended-A/B (ă đ ĩ ũ ơ ư), combining
 * marks, Latin Extended Additional (ạ…ỹ), punctuation and ₫, letterlike.
 */
export const RANGES = [0, 256, 512, 768, 7680, 8192, 8448];

interface Font {
  unitsPerEm: number;
  characterSet: number[];
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): {
    advanceWidth: number;
    path: { commands: { command: string; args: number[] }[] };
  };
}

function loadFonts(): Font[] {
  const require = createRequire(import.meta.url);
  return SUBSETS.map((s) => {
    const file = require.resolve(`@fontsource/noto-sans/files/noto-sans-${s}-400-normal.woff`);
    return fontkit.create(readFileSync(file)) as unknown as Font;
  });
}

export function buildGlyphs(outDir: string): { ranges: number; glyphs: number } {
  const fonts = loadFonts();
  const byCodePoint = new Map<number, Font>();
  for (const f of fonts) for (const cp of f.characterSet) if (!byCodePoint.has(cp)) byCodePoint.set(cp, f);
  const ranges = new Map<number, number[]>();
  for (const cp of [...byCodePoint.keys()].sort((a, b) => a - b)) {
    const start = Math.floor(cp / 256) * 256;
    if (!RANGES.includes(start)) continue;
    ranges.set(start, [...(ranges.get(start) ?? []), cp]);
  }
  const dir = path.join(outDir, FONTSTACK);
  mkdirSync(dir, { recursive: true });
  let count = 0;
  for (const [start, cps] of ranges) {
    const glyphs: GlyphRecord[] = [];
    for (const cp of cps) {
      const font = byCodePoint.get(cp)!;
      const scale = FONT_SIZE / font.unitsPerEm;
      const g = font.glyphForCodePoint(cp);
      const sdf = glyphSdf(flatten(g.path.commands, scale));
      const advance = Math.round(g.advanceWidth * scale);
      glyphs.push(
        sdf
          ? {
              id: cp,
              bitmap: sdf.bitmap,
              width: sdf.width,
              height: sdf.height,
              left: sdf.left,
              top: sdf.top,
              advance,
            }
          : { id: cp, width: 0, height: 0, left: 0, top: 0, advance },
      );
    }
    writeFileSync(path.join(dir, `${start}-${start + 255}.pbf`), encodeGlyphRange(FONTSTACK, start, glyphs));
    count += glyphs.length;
  }
  return { ranges: ranges.size, glyphs: count };
}

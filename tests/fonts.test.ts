import { existsSync } from 'node:fs';
import path from 'node:path';
import { PbfReader } from 'pbf';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientDist } from '../server/app.ts';
import { buildGlyphs, FONTSTACK } from '../server/fonts/build.ts';
import { useApp } from './helpers.ts';

interface Glyph {
  id: number;
  bitmap: Uint8Array | null;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
}

/** Decodes a glyph range PBF independently of our encoder (field numbers of glyphs.proto). */
function decode(buf: ArrayBuffer): { name: string; range: string; glyphs: Glyph[] } {
  const out = { name: '', range: '', glyphs: [] as Glyph[] };
  new PbfReader(new Uint8Array(buf)).readFields((tag, _o, pbf) => {
    if (tag !== 1) return;
    pbf.readMessage((t, _o2, p) => {
      if (t === 1) out.name = p.readString();
      else if (t === 2) out.range = p.readString();
      else if (t === 3) {
        const g: Glyph = { id: 0, bitmap: null, width: 0, height: 0, left: 0, top: 0, advance: 0 };
        p.readMessage((f, _o3, q) => {
          if (f === 1) g.id = q.readVarint();
          else if (f === 2) g.bitmap = q.readBytes();
          else if (f === 3) g.width = q.readVarint();
          else if (f === 4) g.height = q.readVarint();
          else if (f === 5) g.left = q.readSVarint();
          else if (f === 6) g.top = q.readSVarint();
          else if (f === 7) g.advance = q.readVarint();
        }, undefined);
        out.glyphs.push(g);
      }
    }, undefined);
  }, undefined);
  return out;
}

const fontsDir = path.join(clientDist, '..', 'fonts');

beforeAll(() => {
  if (!existsSync(path.join(fontsDir, FONTSTACK, '0-255.pbf'))) buildGlyphs(fontsDir);
}, 120_000);
const app = useApp();

const stack = encodeURIComponent(FONTSTACK);

describe('GET /fonts/{fontstack}/{range}.pbf', () => {
  it('serves every Vietnamese letter of "Mường Nhà, Quế Phong, Điền Xá, Bắc Phong Sinh" with an SDF bitmap', async () => {
    const wanted = new Set(
      [...'Mường Nhà, Quế Phong, Điền Xá, Bắc Phong Sinh, Tây Trang, Ỹ'].map((c) => c.codePointAt(0)!),
    );
    const found = new Map<number, Glyph>();
    for (const start of new Set([...wanted].map((cp) => Math.floor(cp / 256) * 256))) {
      const res = await fetch(`${app.base}/fonts/${stack}/${start}-${start + 255}.pbf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-protobuf');
      const range = decode(await res.arrayBuffer());
      expect(range.name).toBe(FONTSTACK);
      expect(range.range).toBe(`${start}-${start + 255}`);
      for (const g of range.glyphs) found.set(g.id, g);
    }
    for (const cp of wanted) {
      const g = found.get(cp);
      expect(g, String.fromCodePoint(cp)).toBeDefined();
      if (cp === 0x20 || cp === 0x2c) continue;
      expect(g!.bitmap!.length, String.fromCodePoint(cp)).toBe((g!.width + 6) * (g!.height + 6));
      // An SDF has values on both sides of the outline (192): inside and outside.
      expect(Math.max(...g!.bitmap!)).toBeGreaterThan(192);
      expect(Math.min(...g!.bitmap!)).toBeLessThan(100);
    }
    // Marks stack above the letter: ế reaches higher than e.
    expect(found.get(0x1ebf)!.top).toBeGreaterThan(found.get(0x65)!.top);
  });

  it('answers the first font it has from a comma-separated fontstack', async () => {
    const res = await fetch(`${app.base}/fonts/${stack},Arial%20Unicode%20MS%20Regular/0-255.pbf`);
    expect(res.status).toBe(200);
  });

  it('answers an empty range for a block it has no glyphs for', async () => {
    const res = await fetch(`${app.base}/fonts/${stack}/19968-20223.pbf`);
    expect(res.status).toBe(200);
    expect(decode(await res.arrayBuffer()).glyphs).toEqual([]);
  });

  for (const bad of ['0-256.pbf', '1-256.pbf', 'abc.pbf', '65536-65791.pbf', '0-255.png']) {
    it(`answers 400 naming range for ${bad}`, async () => {
      const res = await fetch(`${app.base}/fonts/${stack}/${bad}`);
      expect(res.status).toBe(400);
      expect((await res.json()).parameter).toBe('range');
    });
  }

  it('answers 404 for a font it does not have', async () => {
    const res = await fetch(`${app.base}/fonts/Comic%20Sans/0-255.pbf`);
    expect(res.status).toBe(404);
  });
});

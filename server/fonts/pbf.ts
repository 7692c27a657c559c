/**
 * MapLibre/Mapbox glyph range PBF (glyphs.proto):
 *   glyphs { repeated fontstack stacks = 1 }
 *   fontstack { name = 1; range = 2; repeated glyph glyphs = 3 }
 *   glyph { id = 1; bitmap = 2; width = 3; height = 4; left = 5 (sint); top = 6 (sint); advance = 7 }
 */
import { PbfWriter } from 'pbf';

export interface GlyphRecord {
  id: number;
  bitmap?: Uint8Array;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
}

export function encodeGlyphRange(name: string, start: number, glyphs: readonly GlyphRecord[]): Uint8Array {
  const pbf = new PbfWriter();
  pbf.writeMessage(
    1,
    () => {
      pbf.writeStringField(1, name);
      pbf.writeStringField(2, `${start}-${start + 255}`);
      for (const g of glyphs) {
        pbf.writeMessage(
          3,
          () => {
            pbf.writeVarintField(1, g.id);
            if (g.bitmap && g.bitmap.length > 0) pbf.writeBytesField(2, g.bitmap);
            pbf.writeVarintField(3, g.width);
            pbf.writeVarintField(4, g.height);
            pbf.writeSVarintField(5, g.left);
            pbf.writeSVarintField(6, g.top);
            pbf.writeVarintField(7, g.advance);
          },
          undefined,
        );
      }
    },
    undefined,
  );
  return pbf.finish();
}

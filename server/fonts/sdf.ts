/**
 * Signed distance field of a glyph, computed from its outline (not from a
 * rasterised bitmap): for each pixel centre, the distance to the nearest
 * segment, negative inside (non-zero winding). Encoded the way MapLibre
 * expects (tiny-sdf's convention): 255 - 255 * (d / RADIUS + CUTOFF), so the
 * outline sits at 192.
 *
 *   ┌──────── width + 2·BUFFER ────────┐
 *   │ BUFFER                           │   top  = ascent above the baseline - 27
 *   │    ┌── glyph box (px) ──┐        │   left = bearing, px
 *   │    │   outline → SDF    │        │
 *   │    └────────────────────┘        │
 *   └──────────────────────────────────┘
 */
import type { Segment } from './outline.ts';

export const FONT_SIZE = 24;
export const BUFFER = 3;
const RADIUS = 8;
const CUTOFF = 0.25;
/** MapLibre places glyph bitmaps relative to a line whose top is 27 px above the baseline at 24 px. */
const TOP_ADJUSTMENT = 27;
/** Distances past this (outside) encode to 0 whatever their exact value. */
const MAX_D = RADIUS * (1 - CUTOFF) + 1;

export interface SdfGlyph {
  width: number;
  height: number;
  left: number;
  top: number;
  bitmap: Uint8Array;
}

function distToSegment(px: number, py: number, [x0, y0, x1, y1]: Segment): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - x0) * dx + (py - y0) * dy) / len2;
  t = t < 0 ? 0 : Math.min(t, 1);
  const ex = x0 + t * dx - px;
  const ey = y0 + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

function winding(px: number, py: number, segs: readonly Segment[]): number {
  let w = 0;
  for (const [x0, y0, x1, y1] of segs) {
    if (y0 <= py) {
      if (y1 > py && (x1 - x0) * (py - y0) - (px - x0) * (y1 - y0) > 0) w++;
    } else if (y1 <= py && (x1 - x0) * (py - y0) - (px - x0) * (y1 - y0) < 0) w--;
  }
  return w;
}

/** SDF bitmap and metrics for an outline in pixel space; null for an empty outline (a space). */
export function glyphSdf(segs: readonly Segment[]): SdfGlyph | null {
  if (segs.length === 0) return null;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x0, y0, x1, y1] of segs) {
    minX = Math.min(minX, x0, x1);
    maxX = Math.max(maxX, x0, x1);
    minY = Math.min(minY, y0, y1);
    maxY = Math.max(maxY, y0, y1);
  }
  const left = Math.floor(minX);
  const top = Math.ceil(maxY);
  const width = Math.max(1, Math.ceil(maxX) - left);
  const height = Math.max(1, top - Math.floor(minY));
  const w = width + 2 * BUFFER;
  const h = height + 2 * BUFFER;
  const bitmap = new Uint8Array(w * h);
  const boxes: [number, number, number, number][] = segs.map(([x0, y0, x1, y1]) => [
    Math.min(x0, x1),
    Math.min(y0, y1),
    Math.max(x0, x1),
    Math.max(y0, y1),
  ]);
  for (let row = 0; row < h; row++) {
    const py = top + BUFFER - row - 0.5;
    for (let col = 0; col < w; col++) {
      const px = left - BUFFER + col + 0.5;
      // Beyond MAX_D the encoded value is clamped anyway: skip far segments.
      let d = MAX_D;
      for (let i = 0; i < segs.length; i++) {
        const b = boxes[i]!;
        if (px < b[0] - d || px > b[2] + d || py < b[1] - d || py > b[3] + d) continue;
        const v = distToSegment(px, py, segs[i]!);
        if (v < d) d = v;
      }
      if (winding(px, py, segs) !== 0) d = -d;
      const v = Math.round(255 - 255 * (d / RADIUS + CUTOFF));
      bitmap[row * w + col] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  return { width, height, left, top: top - TOP_ADJUSTMENT, bitmap };
}

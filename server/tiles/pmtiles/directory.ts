/**
 * PMTiles v3 directories: entries (tile id, offset, length, run length)
 * written column by column as varints, ids as deltas, an offset as 0 when it
 * follows on from the entry before, then gzip-compressed. The root directory
 * must fit with the header in the first 16 KiB, so a long list is cut into
 * leaf directories that the root points at (run length 0).
 *
 *   const { root, leaves } = buildDirectories(entries);   // gzip bytes
 */
import { gzipSync } from 'node:zlib';

export interface Entry {
  tileId: number;
  /** Into the tile data section (tiles), or into the leaf section (leaf pointers). */
  offset: number;
  length: number;
  /** Consecutive tile ids with these same bytes; 0 marks a pointer to a leaf directory. */
  runLength: number;
}

/** Unsigned LEB128; numbers up to 2^53 (plain arithmetic: bit operators stop at 2^31). */
function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export function serializeDirectory(entries: readonly Entry[]): Buffer {
  const out: number[] = [];
  pushVarint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    pushVarint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) pushVarint(out, e.runLength);
  for (const e of entries) pushVarint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    pushVarint(out, i > 0 && prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return gzipSync(Buffer.from(out), { level: 9 });
}

/** Header (127 bytes) and root directory together within the first 16 KiB, as the specification asks. */
export const ROOT_LIMIT = 16384 - 127;

export function buildDirectories(
  entries: readonly Entry[],
  rootLimit = ROOT_LIMIT,
): { root: Buffer; leaves: Buffer; leafCount: number } {
  const whole = serializeDirectory(entries);
  if (whole.length <= rootLimit) return { root: whole, leaves: Buffer.alloc(0), leafCount: 0 };
  // Grow the leaves until the list of pointers to them fits in the root.
  let leafSize = Math.max(4096, Math.ceil(entries.length / 3000));
  for (;;) {
    const pointers: Entry[] = [];
    const parts: Buffer[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += leafSize) {
      const leaf = serializeDirectory(entries.slice(i, i + leafSize));
      pointers.push({ tileId: entries[i]!.tileId, offset, length: leaf.length, runLength: 0 });
      parts.push(leaf);
      offset += leaf.length;
    }
    const root = serializeDirectory(pointers);
    if (root.length <= rootLimit) return { root, leaves: Buffer.concat(parts), leafCount: parts.length };
    leafSize = Math.ceil(leafSize * 1.5);
  }
}

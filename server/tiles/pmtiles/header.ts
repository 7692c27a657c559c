/**
 * The 127-byte PMTiles v3 header: where each section is, how many tiles,
 * how they are compressed and typed, and the zooms, bounds and centre.
 * Little-endian; positions as in the specification's table.
 */

export const COMPRESSION = { none: 1, gzip: 2 } as const;
export const TILE_TYPE_MVT = 1;
export const HEADER_BYTES = 127;

export interface HeaderFields {
  rootOffset: number;
  rootLength: number;
  metadataOffset: number;
  metadataLength: number;
  leafOffset: number;
  leafLength: number;
  tileDataOffset: number;
  tileDataLength: number;
  addressedTiles: number;
  tileEntries: number;
  tileContents: number;
  minZoom: number;
  maxZoom: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  center: [number, number, number];
}

export function encodeHeader(h: HeaderFields): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write('PMTiles', 0, 'ascii');
  b.writeUInt8(3, 7);
  const u64 = (v: number, at: number) => b.writeBigUInt64LE(BigInt(v), at);
  u64(h.rootOffset, 8);
  u64(h.rootLength, 16);
  u64(h.metadataOffset, 24);
  u64(h.metadataLength, 32);
  u64(h.leafOffset, 40);
  u64(h.leafLength, 48);
  u64(h.tileDataOffset, 56);
  u64(h.tileDataLength, 64);
  u64(h.addressedTiles, 72);
  u64(h.tileEntries, 80);
  u64(h.tileContents, 88);
  b.writeUInt8(1, 96); // clustered: tile data in tile id order
  b.writeUInt8(COMPRESSION.gzip, 97); // directories and metadata
  b.writeUInt8(COMPRESSION.gzip, 98); // tiles, as the server stores them
  b.writeUInt8(TILE_TYPE_MVT, 99);
  b.writeUInt8(h.minZoom, 100);
  b.writeUInt8(h.maxZoom, 101);
  const e7 = (v: number) => Math.round(v * 1e7);
  b.writeInt32LE(e7(h.bounds[0]), 102);
  b.writeInt32LE(e7(h.bounds[1]), 106);
  b.writeInt32LE(e7(h.bounds[2]), 110);
  b.writeInt32LE(e7(h.bounds[3]), 114);
  b.writeUInt8(h.center[2], 118);
  b.writeInt32LE(e7(h.center[0]), 119);
  b.writeInt32LE(e7(h.center[1]), 123);
  return b;
}

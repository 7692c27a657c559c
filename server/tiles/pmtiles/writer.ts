/**
 * Writes a PMTiles v3 archive from tiles handed over in increasing tile id
 * order (a clustered archive). Tile bytes go straight to a temporary file;
 * memory holds only the directory entries and, for deduplication, a hash of
 * each distinct tile. Identical tiles (open sea, the inside of a province)
 * are stored once: the same offset for each, and consecutive ones folded
 * into one entry with a run length.
 *
 *   const w = await PmtilesWriter.open('out.pmtiles');
 *   await w.add(zxyToTileId(5, 25, 14), gzipBytes);   // ids ascending
 *   await w.finish({ metadata, minZoom: 0, maxZoom: 10, bounds, center });
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { buildDirectories, type Entry, ROOT_LIMIT } from './directory.ts';
import { encodeHeader, HEADER_BYTES, type HeaderFields } from './header.ts';

export interface FinishOptions {
  metadata: Record<string, unknown>;
  minZoom: number;
  maxZoom: number;
  bounds: HeaderFields['bounds'];
  center: HeaderFields['center'];
  /** For tests: a smaller root forces leaf directories. */
  rootLimit?: number;
}

export interface Written {
  bytes: number;
  addressedTiles: number;
  tileEntries: number;
  tileContents: number;
  leafDirectories: number;
}

export class PmtilesWriter {
  private readonly entries: Entry[] = [];
  private readonly byHash = new Map<string, { offset: number; length: number }>();
  private dataLength = 0;
  private addressed = 0;
  private lastId = -1;

  private constructor(
    private readonly out: string,
    private readonly tempPath: string,
    private readonly temp: WriteStream,
  ) {}

  static async open(out: string): Promise<PmtilesWriter> {
    const tempPath = `${out}.tiles-${process.pid}.tmp`;
    const temp = createWriteStream(tempPath);
    await once(temp, 'open');
    return new PmtilesWriter(out, tempPath, temp);
  }

  /** One tile's bytes (as stored: gzip). Ids must increase; empty tiles are simply not added. */
  async add(tileId: number, data: Buffer): Promise<void> {
    if (tileId <= this.lastId) throw new Error(`tile ids must increase: ${tileId} after ${this.lastId}`);
    this.lastId = tileId;
    this.addressed++;
    const hash = createHash('sha256').update(data).digest('base64');
    let at = this.byHash.get(hash);
    if (!at) {
      at = { offset: this.dataLength, length: data.length };
      this.byHash.set(hash, at);
      this.dataLength += data.length;
      if (!this.temp.write(data)) await once(this.temp, 'drain');
    }
    const last = this.entries[this.entries.length - 1];
    if (last && last.offset === at.offset && last.tileId + last.runLength === tileId) {
      last.runLength++;
    } else {
      this.entries.push({ tileId, offset: at.offset, length: at.length, runLength: 1 });
    }
  }

  get tilesAdded(): number {
    return this.addressed;
  }

  async finish(o: FinishOptions): Promise<Written> {
    this.temp.end();
    await once(this.temp, 'finish');
    try {
      const { root, leaves, leafCount } = buildDirectories(this.entries, o.rootLimit ?? ROOT_LIMIT);
      const metadata = gzipSync(Buffer.from(JSON.stringify(o.metadata)), { level: 9 });
      const rootOffset = HEADER_BYTES;
      const metadataOffset = rootOffset + root.length;
      const leafOffset = metadataOffset + metadata.length;
      const tileDataOffset = leafOffset + leaves.length;
      const header = encodeHeader({
        rootOffset,
        rootLength: root.length,
        metadataOffset,
        metadataLength: metadata.length,
        leafOffset,
        leafLength: leaves.length,
        tileDataOffset,
        tileDataLength: this.dataLength,
        addressedTiles: this.addressed,
        tileEntries: this.entries.length,
        tileContents: this.byHash.size,
        minZoom: o.minZoom,
        maxZoom: o.maxZoom,
        bounds: o.bounds,
        center: o.center,
      });
      const file = createWriteStream(this.out);
      file.write(Buffer.concat([header, root, metadata, leaves]));
      await pipeline(createReadStream(this.tempPath), file);
      return {
        bytes: tileDataOffset + this.dataLength,
        addressedTiles: this.addressed,
        tileEntries: this.entries.length,
        tileContents: this.byHash.size,
        leafDirectories: leafCount,
      };
    } finally {
      await rm(this.tempPath, { force: true });
    }
  }

  /** Gives up: the temporary file is removed and nothing is written at `out`. */
  async abort(): Promise<void> {
    this.temp.destroy();
    await rm(this.tempPath, { force: true });
  }
}

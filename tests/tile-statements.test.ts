/**
 * The composite layer's tile statements are built at start (server/tiles/
 * render.ts, warmStatements), one zoom a turn of the event loop, so that the
 * first tile of a zoom does not wait for its statement to be compiled.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheSizes } from '../server/http/caches.ts';
import { layersAtZoom, parseLayers } from '../server/tiles/params.ts';
import { compileTile, warmStatements } from '../server/tiles/render.ts';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

const held = () => cacheSizes()['tiles.statements'] ?? 0;

describe('warmStatements', () => {
  it('compiles one statement per zoom where the set has data, then no more', async () => {
    const all = parseLayers('all').layers;
    const zooms = new Set<number>();
    for (let z = 0; z <= 24; z++) if (all.some((l) => z >= l.minzoom && z <= l.maxzoom)) zooms.add(z);
    expect(zooms.size).toBeGreaterThan(10);
    const before = held();
    const stop = warmStatements(database.db, all);
    // One zoom a turn: not all at once.
    await turn();
    expect(held() - before).toBeLessThan(zooms.size);
    for (let i = 0; i < 40 && held() - before < zooms.size; i++) await turn();
    expect(held() - before).toBe(zooms.size);
    for (let i = 0; i < 5; i++) await turn();
    expect(held() - before).toBe(zooms.size);
    stop();
    // What a request then compiles is already there.
    const z = [...zooms][Math.floor(zooms.size / 2)]!;
    compileTile(database.db, layersAtZoom(parseLayers('all'), z), { z, x: 3, y: 5 });
    expect(held() - before).toBe(zooms.size);
  });

  it('stops when told, before compiling anything more', async () => {
    const before = held();
    const stop = warmStatements(database.db, parseLayers('roads').layers);
    stop();
    for (let i = 0; i < 10; i++) await turn();
    expect(held()).toBe(before);
  });
});

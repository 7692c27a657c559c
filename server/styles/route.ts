/**
 * GET /styles/atlas.json?lang=vi|en  the map's MapLibre style (style.ts)
 * GET /styles/labels.geojson          one label point per named area (labels.ts)
 * GET /basemap/rivers.geojson         the basemap's rivers (data/basemap, scripts/basemap-rivers.ts)
 *
 * The style's URLs are absolute, on the origin the request came to (behind
 * a proxy, X-Forwarded-Proto/Host through Express's trust proxy, as the
 * TileJSON's). The style draws the labels and rivers from the composite
 * tiles (server/tiles/basemap.ts); the two GeoJSON documents stay for other
 * readers (the choropleth legend reads the label points). Label points are
 * computed once per data version, the same ones the tiles are cut from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Router } from 'express';
import type { FeatureCollection } from 'geojson';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DataVersion } from '../db/data-version.ts';
import type { DB } from '../db/types.ts';
import { AnswerCache } from '../http/answer-cache.ts';
import { type Input, noParams, oneOf, readParams } from '../http/params.ts';
import { riversFile } from '../tiles/basemap.ts';
import { labelPoints } from './labels.ts';
import { atlasStyle } from './style.ts';

/** The query of /styles/atlas.json, declared once: validation and the OpenAPI document. */
export const styleQuery = z.object({
  lang: oneOf(['vi', 'en'] as const, {
    description: 'Language of the labels (names keep their Vietnamese spelling; countries are translated)',
    default: 'vi',
  }),
});

export { riversFile };

/**
 * `labels`, when given, reads the label points of a data version (the tiles'
 * own, server/tiles/basemap.ts), so that they are computed once for both.
 */
export function stylesRouter(
  db: Kysely<DB>,
  version?: DataVersion,
  labels?: (version: number) => Promise<FeatureCollection>,
): Router {
  const r = Router();
  const rivers = existsSync(riversFile) ? readFileSync(riversFile) : undefined;
  const answers = version && new AnswerCache(version, 4);

  r.get('/styles/atlas.json', (req, res) => {
    const { lang } = readParams(styleQuery, req.query as Input);
    res.set('Cache-Control', 'public, max-age=300');
    res.json(atlasStyle({ origin: `${req.protocol}://${req.host}`, lang, rivers: rivers !== undefined }));
  });

  r.get('/styles/labels.geojson', async (req, res) => {
    readParams(noParams, req.query as Input);
    let body: string;
    if (answers && version) {
      const v = await version.read();
      const compute = async () => JSON.stringify(labels ? await labels(v) : await labelPoints(db));
      body = (await answers.through(v, 'labels', compute)).body;
    } else body = JSON.stringify(await labelPoints(db));
    res.type('application/geo+json').send(body);
  });

  r.get('/basemap/rivers.geojson', (req, res, next) => {
    readParams(noParams, req.query as Input);
    if (!rivers) return next();
    res.set('Cache-Control', 'public, max-age=86400');
    res.type('application/geo+json').send(rivers);
  });
  return r;
}

/**
 * GET /styles/atlas.json?lang=vi|en  the map's MapLibre style (style.ts)
 * GET /styles/labels.geojson          one label point per named area (labels.ts)
 * GET /basemap/rivers.geojson         the basemap's rivers (data/basemap, scripts/basemap-rivers.ts)
 *
 * The style's URLs are absolute, on the origin the request came to (behind
 * a proxy, X-Forwarded-Proto/Host through Express's trust proxy, as the
 * TileJSON's). Label
 * points are computed once per data version.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DataVersion } from '../db/data-version.ts';
import type { DB } from '../db/types.ts';
import { AnswerCache } from '../http/answer-cache.ts';
import { type Input, noParams, oneOf, readParams } from '../http/params.ts';
import { projectRoot } from '../prepare.ts';
import { labelPoints } from './labels.ts';
import { atlasStyle } from './style.ts';

/** The query of /styles/atlas.json, declared once: validation and the OpenAPI document. */
export const styleQuery = z.object({
  lang: oneOf(['vi', 'en'] as const, {
    description: 'Language of the labels (names keep their Vietnamese spelling; countries are translated)',
    default: 'vi',
  }),
});

export const riversFile = path.join(projectRoot, 'data', 'basemap', 'rivers.geojson');

export function stylesRouter(db: Kysely<DB>, version?: DataVersion): Router {
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
    const compute = async () => JSON.stringify(await labelPoints(db));
    const body =
      answers && version
        ? (await answers.through(await version.read(), 'labels', compute)).body
        : await compute();
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

/**
 * GET /api/features/{layer}/{id}/sources
 * → { layer, id, precision, uncertainty_m, sources: [{ id, title, publisher, url, published }], figures: [{ key, value }] }
 *
 * Unknown layer or feature: 404; an id that is not a positive integer: 400.
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { field, type Input, noParams, Rejected, readParams, text } from '../http/params.ts';
import { notFound } from '../http/problem.ts';
import { getLayer, layerIds } from '../layers/index.ts';
import { featureSources } from './sources.ts';

/** The path of /api/features/{layer}/{id}/sources; it takes no query parameter. */
export const sourcesPath = z.object({
  layer: text({ description: 'A layer id (an unknown one is a 404)', required: true, max: 100 }),
  id: field(
    {
      description: 'The feature id in that layer',
      schema: { type: 'integer', minimum: 1 },
      required: true,
      trim: false,
    },
    // bigint ids; 15 digits keeps them exact as JS numbers.
    (raw): number => {
      if (raw === undefined || !/^[1-9]\d{0,14}$/.test(raw))
        throw new Rejected('a positive integer feature id');
      return Number(raw);
    },
  ),
});

export function sourcesRouter(db: Kysely<DB>): Router {
  const r = Router();
  r.get('/api/features/:layer/:id/sources', async (req, res) => {
    readParams(noParams, req.query as Input);
    const layer = getLayer(req.params.layer);
    if (!layer) throw notFound(`no layer "${req.params.layer}"; layers: ${layerIds.join(', ')}`);
    const { id } = readParams(sourcesPath, req.params);
    const found = await featureSources(db, layer, id);
    if (!found) throw notFound(`no feature ${id} in layer ${layer.id}`);
    res.json(found);
  });
  return r;
}

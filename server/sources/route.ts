/**
 * GET /api/features/{layer}/{id}/sources
 * → { layer, id, precision, uncertainty_m, sources: [{ id, title, publisher, url }], figures: [{ key, value }] }
 *
 * Unknown layer or feature: 404; an id that is not a positive integer: 400.
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { onlyParams } from '../http/params.ts';
import { badRequest, notFound } from '../http/problem.ts';
import { getLayer, layerIds } from '../layers/index.ts';
import { featureSources } from './sources.ts';

export function sourcesRouter(db: Kysely<DB>): Router {
  const r = Router();
  r.get('/api/features/:layer/:id/sources', async (req, res) => {
    onlyParams(req.query as Record<string, unknown>, []);
    const layer = getLayer(req.params.layer);
    if (!layer) throw notFound(`no layer "${req.params.layer}"; layers: ${layerIds.join(', ')}`);
    const raw = req.params.id;
    // bigint ids; 15 digits keeps them exact as JS numbers.
    if (!/^[1-9]\d{0,14}$/.test(raw)) throw badRequest('id', 'a positive integer feature id', raw);
    const found = await featureSources(db, layer, Number(raw));
    if (!found) throw notFound(`no feature ${raw} in layer ${layer.id}`);
    res.json(found);
  });
  return r;
}

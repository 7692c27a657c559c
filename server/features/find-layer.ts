/** The layer named by a path segment, or a 404 that lists the collections. */
import { notFound } from '../http/problem.ts';
import { getLayer, type LayerDef, layerIds } from '../layers/index.ts';

export function findLayer(id: unknown): LayerDef {
  const layer = typeof id === 'string' ? getLayer(id) : undefined;
  if (!layer) throw notFound(`no collection ${JSON.stringify(id)}; collections: ${layerIds.join(', ')}`);
  return layer;
}

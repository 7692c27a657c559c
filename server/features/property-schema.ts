/**
 * One property of the registry as JSON Schema, the same in the queryables,
 * the feature schema and the collection metadata. Besides the standard
 * keywords (title, description, type, enum), what people read goes in two
 * annotations that JSON Schema validators, GDAL and QGIS ignore:
 *
 *   "category": { "title": "category", "description": "Kind of investment", "type": "string",
 *     "enum": ["market", …],
 *     "x-title": { "vi": "Loại dự án", "en": "Category" },
 *     "x-labels": { "market": { "vi": "Chợ", "en": "Market" }, … } }
 */
import type { Label, LayerProperty } from '../layers/index.ts';

export interface PropertySchema {
  title: string;
  description: string;
  type: LayerProperty['type'];
  enum?: string[];
  'x-title'?: Label;
  'x-labels'?: Readonly<Record<string, Label>>;
}

export function propertySchema(p: LayerProperty): PropertySchema {
  return {
    title: p.name,
    description: p.description,
    type: p.type,
    ...(p.enum ? { enum: [...p.enum] } : {}),
    ...(p.title ? { 'x-title': p.title } : {}),
    ...(p.labels ? { 'x-labels': p.labels } : {}),
  };
}

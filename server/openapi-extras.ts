/**
 * OpenAPI path items contributed by modules outside the OGC feature API
 * (analysis, statistics, search...), merged into the document at /ogc/api.
 * Each module exports its own `paths` object; list it here.
 */
import { analysisPaths } from './analysis/openapi.ts';
import { sourcesPaths } from './sources/openapi.ts';

export const extraPaths: Record<string, unknown> = { ...analysisPaths, ...sourcesPaths };

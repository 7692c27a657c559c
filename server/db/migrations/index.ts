/**
 * Every migration, in order. Listed by hand (not read from the folder) so the
 * same code runs under tsx, vitest and a bundler. Names are timestamps:
 * forward-only, never renamed.
 */
import type { Migration } from 'kysely';
import * as foundation from './2026-11-22T1200_foundation.ts';
import * as layerViews from './2026-11-22T1210_layer-views.ts';
import * as projectPlacesFlat from './2026-11-22T1300_project-places-flat.ts';
import * as dataVersionNotify from './2026-11-22T1400_data-version-notify.ts';
import * as layerProjectsDirect from './2026-11-22T1500_layer-projects-direct.ts';
import * as layerProjectsCurrentProvince from './2026-11-22T1600_layer-projects-current-province.ts';
import * as figureQualifiers from './2026-11-30T0300_figure-qualifiers.ts';
import * as searchFromRegistry from './2026-11-30T0300_search-from-registry.ts';
import * as appSecrets from './2026-11-30T0900_app-secrets.ts';
import * as accounts from './2026-11-30T1000_accounts.ts';
import * as audit from './2026-11-30T1100_audit.ts';
import * as gazetteer from './2026-11-30T1200_gazetteer.ts';
import * as sourcePublished from './2026-11-30T1310_source-published.ts';
import * as searchSpeed from './2026-11-30T1320_search-speed.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-22T1200_foundation': foundation,
  '2026-11-22T1210_layer-views': layerViews,
  '2026-11-22T1300_project-places-flat': projectPlacesFlat,
  '2026-11-22T1400_data-version-notify': dataVersionNotify,
  '2026-11-22T1500_layer-projects-direct': layerProjectsDirect,
  '2026-11-22T1600_layer-projects-current-province': layerProjectsCurrentProvince,
  '2026-11-30T0300_figure-qualifiers': figureQualifiers,
  '2026-11-30T0300_search-from-registry': searchFromRegistry,
  '2026-11-30T0900_app-secrets': appSecrets,
  '2026-11-30T1000_accounts': accounts,
  '2026-11-30T1100_audit': audit,
  '2026-11-30T1200_gazetteer': gazetteer,
  '2026-11-30T1310_source-published': sourcePublished,
  '2026-11-30T1320_search-speed': searchSpeed,
};

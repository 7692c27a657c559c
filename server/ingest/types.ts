/**
 * The JSON of article ingestion (docs/ingest.md): what `ingest()` returns,
 * `POST /api/ingest` answers and `npm run ingest -- --json` prints. Every
 * range is `[start, end)` in UTF-16 code units of `article.text`.
 */
import type { Point } from 'geojson';

export type Range = [number, number];
export type Lang = 'vi' | 'en';
export type Qualifier = 'exact' | 'nearly' | 'over' | 'about' | 'up_to';

export interface IngestInput {
  /** Exactly one of text and html; HTML is reduced to text first. */
  text?: string;
  html?: string;
  source: { title: string; url: string | null; publisher?: string | null };
  /** YYYY-MM-DD: units in force that day are preferred. */
  published?: string | null;
  /** Guessed from the text when absent. */
  lang?: Lang;
}

export interface IngestArticle {
  title: string;
  url: string | null;
  publisher: string | null;
  published: string | null;
  lang: Lang;
  /** The plain text every range refers to. */
  text: string;
  /** sha256 (hex) of text. */
  hash: string;
}

export interface UnitRef {
  code: string | null;
  slug: string;
  name: string;
  /** xã, phường, huyện, tỉnh... */
  kind: string;
  level: string;
  era: 'before-2025' | '2025';
  province: { code: string | null; name: string } | null;
  successors: { code: string | null; slug: string; name: string; type: 'full' | 'partial' | null }[];
}

export interface RoadRef {
  /** Canonical reference: QL4B, ĐT544B... */
  ref: string;
  class: 'national' | 'provincial' | 'other';
  /** The road this one is said to be part of ("provincial road 344 ... part of QL18C"). */
  part_of: string | null;
  /** The roads layer's feature holding that ref, when one does. */
  slug: string | null;
}

export interface IngestPlace {
  id: string;
  kind: 'unit' | 'border_gate' | 'road';
  text: string;
  ranges: Range[];
  unit: UnitRef | null;
  /** Codes of the 2025 unit(s) the place is in (itself when era 2025). */
  current: string[];
  /** Up to 4 other readings, best first. */
  alternatives: UnitRef[];
  road: RoadRef | null;
  gate: { slug: string; name: string } | null;
  /** 0..1 */
  score: number;
}

export interface IngestFigure {
  id: string;
  text: string;
  ranges: Range[];
  value: number;
  /** Canonical unit: bn_vnd, ha, km, m2, pct, households, people, projects, ... */
  unit: string;
  qualifier: Qualifier;
  year: number | null;
  period: [number, number] | null;
  /** What it measures, short snake_case: investment, length, area, count, rate... */
  measures: string;
  /** The candidate ("c3") or place ("p2") it belongs to. */
  of: string | null;
}

export interface ExistingMatch {
  layer: string;
  id: string;
  slug: string;
  etag: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface CandidateLocation {
  geometry: Point | null;
  precision: 'approximate' | 'schematic';
  uncertainty_m: number | null;
  how: string;
}

export interface FeatureCandidate {
  id: string;
  type: 'feature';
  layer: 'projects' | 'roads' | 'border-gates';
  /** A record in data/'s shape for that layer, as the write API takes it. */
  properties: Record<string, unknown>;
  figures: string[];
  place: string | null;
  location: CandidateLocation;
  ranges: Range[];
  existing: ExistingMatch | null;
}

export interface IndicatorCandidate {
  id: string;
  type: 'indicator';
  /** Unit slug. */
  unit: string;
  unit_code: string | null;
  /** A code of data/indicator-definitions.json where one fits. */
  indicator: string;
  /** The indicator's names from its definition; null for a code without one. */
  label?: { vi: string; en: string } | null;
  value: number;
  qualifier: Qualifier;
  year: number | null;
  period_start: number | null;
  period_end: number | null;
  programme: string | null;
  figures: string[];
  ranges: Range[];
  existing: ExistingMatch | null;
}

export type Candidate = FeatureCandidate | IndicatorCandidate;

export interface IngestResult {
  article: IngestArticle;
  places: IngestPlace[];
  figures: IngestFigure[];
  candidates: Candidate[];
}

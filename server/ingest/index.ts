/**
 * Article ingestion (docs/ingest.md): one article in, its places, figures
 * and candidate features and indicators out, every one pointing at the
 * ranges of the article's text it comes from. Reads the database (the
 * gazetteer, the roads and border-gates layers), writes nothing; no network
 * service is called.
 *
 *   const result = await ingest(db, { text, source: { title, url }, published: '2025-06-12' });
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { buildCandidates } from './candidates.ts';
import { annotateExisting } from './existing.ts';
import { findFigures } from './figures.ts';
import { resolveArticlePlaces } from './places.ts';
import { guessLang, htmlToText, normaliseText, sentences } from './text.ts';
import type { IngestFigure, IngestInput, IngestResult } from './types.ts';

export type { IngestInput, IngestResult } from './types.ts';

export async function ingest(db: Kysely<DB>, input: IngestInput): Promise<IngestResult> {
  const text = input.html !== undefined ? htmlToText(input.html) : normaliseText(input.text ?? '');
  const lang = input.lang ?? guessLang(text);
  const spans = sentences(text);
  const places = await resolveArticlePlaces(db, text, { spans, at: input.published ?? null });
  const found = findFigures(text, spans).map((f, i) => ({ ...f, id: `f${i + 1}` }));
  const { candidates, of } = await buildCandidates(db, { text, lang, spans, places, figures: found });
  const figures: IngestFigure[] = found.map((f) => ({
    id: f.id,
    text: f.text,
    ranges: [f.range],
    value: f.value,
    unit: f.unit,
    qualifier: f.qualifier,
    year: f.year,
    period: f.period,
    measures: f.measures,
    of: of.get(f.id) ?? null,
  }));
  const result: IngestResult = {
    article: {
      title: input.source.title,
      url: input.source.url,
      publisher: input.source.publisher ?? null,
      published: input.published ?? null,
      lang,
      text,
      hash: createHash('sha256').update(text).digest('hex'),
    },
    places: places.map((p) => p.place),
    figures,
    candidates,
  };
  // Indicators are named as the atlas names them (the review page shows these, not the codes).
  const codes = [...new Set(candidates.flatMap((c) => (c.type === 'indicator' ? [c.indicator] : [])))];
  const names = new Map(
    codes.length
      ? (
          await db
            .selectFrom('indicator_definitions')
            .select(['code', 'name_vi', 'name_en'])
            .where('code', 'in', codes)
            .execute()
        ).map((d) => [d.code, { vi: d.name_vi ?? d.name_en, en: d.name_en }])
      : [],
  );
  for (const c of candidates) if (c.type === 'indicator') c.label = names.get(c.indicator) ?? null;
  // What the atlas already holds (re-ingesting an article proposes updates, not duplicates).
  await annotateExisting(db, result);
  return result;
}

/**
 * GET /api/units/{code}?at=YYYY-MM-DD → what the unit with that official
 * code was on that day (default: today's unit) and what it became or was
 * formed from (server/gazetteer/unit.ts). 404 for a code no unit holds on
 * that day; 400 naming the parameter for a malformed code or day.
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { field, type Input, Rejected, readParams } from '../http/params.ts';
import { notFound } from '../http/problem.ts';
import { unitByCode } from './unit.ts';

export const unitPath = z.object({
  code: field(
    {
      description: 'Official code: 2 digits (province), 3 (district, before 2025), 5 (commune)',
      schema: { type: 'string', pattern: '^(\\d{2}|\\d{3}|\\d{5})$' },
      required: true,
      example: '06901',
      trim: false,
    },
    (raw): string => {
      if (raw === undefined || !/^(\d{2}|\d{3}|\d{5})$/.test(raw))
        throw new Rejected('an official code of 2, 3 or 5 digits');
      return raw;
    },
  ),
});

/** A day YYYY-MM-DD between 1900 and 2100 (the units in force that day); undefined when absent. */
export function day(description: string) {
  return field(
    { description, schema: { type: 'string', format: 'date' }, example: '2024-01-01' },
    (v): string | undefined => {
      if (v === undefined) return undefined;
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : null;
      if (!m || !d || d.toISOString().slice(0, 10) !== v || +m[1]! < 1900 || +m[1]! > 2100)
        throw new Rejected('a day YYYY-MM-DD between 1900 and 2100');
      return v;
    },
  );
}

export const unitQuery = z.object({
  at: day('The day (YYYY-MM-DD) the unit is wanted for; default: the unit in force today'),
});

export function unitsRouter(db: Kysely<DB>): Router {
  const r = Router();
  r.get('/api/units/:code', async (req, res) => {
    const { code } = readParams(unitPath, req.params as Input);
    const { at } = readParams(unitQuery, req.query as Input);
    const unit = await unitByCode(db, code, at);
    if (!unit) throw notFound(at ? `no unit has code ${code} on ${at}` : `no unit has code ${code}`);
    res.json(unit);
  });
  return r;
}

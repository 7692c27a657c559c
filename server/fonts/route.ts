/**
 * GET /fonts/{fontstack}/{start}-{end}.pbf — glyph ranges for the map's labels
 * (the style's "glyphs" URL). A comma-separated fontstack is answered with the
 * first font we have; a range with no glyphs of ours is an empty (valid) PBF.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { readParams } from '../http/params.ts';
import { notFound } from '../http/problem.ts';
import { FONTSTACK } from './build.ts';
import { glyphPath } from './openapi.ts';
import { encodeGlyphRange } from './pbf.ts';

export function fontsRouter(fontsDir: string): Router {
  const ranges = new Map<string, Buffer>();
  const dir = path.join(fontsDir, FONTSTACK);
  if (existsSync(dir)) {
    for (const f of readdirSync(dir))
      if (f.endsWith('.pbf')) ranges.set(f.slice(0, -4), readFileSync(path.join(dir, f)));
  }
  const r = Router();
  r.get('/fonts/:fontstack/:range', (req, res) => {
    const {
      range: { start, end },
      fontstack: stacks,
    } = readParams(glyphPath, req.params);
    if (!stacks.includes(FONTSTACK) || ranges.size === 0) {
      throw notFound(`no font among "${req.params.fontstack}"; this server has "${FONTSTACK}"`);
    }
    const body = ranges.get(`${start}-${end}`) ?? Buffer.from(encodeGlyphRange(FONTSTACK, start, []));
    res.set('Cache-Control', 'public, max-age=86400');
    res.type('application/x-protobuf').send(body);
  });
  return r;
}

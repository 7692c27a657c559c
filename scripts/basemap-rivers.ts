/**
 * Writes data/basemap/rivers.geojson, the basemap's rivers, from the WDBII
 * rivers of GSHHG as Debian packages them (gmt-gshhg-low/-high, LGPL-3),
 * read with GMT's `coast -M` over the map's region. Run it again only to
 * change the region, resolution or levels; the output is committed.
 *
 *   apt-get install -y gmt gmt-gshhg-low gmt-gshhg-high
 *   npm run basemap:rivers
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../server/prepare.ts';

/** West/east/south/north: Vietnam, Laos, Cambodia and southern China around the border. */
const REGION = '100/112/8/24.5';
/** WDBII levels: 1 permanent major rivers, 2 additional major rivers, 3 additional rivers. */
const LEVELS = [1, 2, 3];
/** GSHHG resolution: i(ntermediate), about 1 km. */
const RESOLUTION = 'i';

const out = execFileSync(
  'gmt',
  ['coast', `-R${REGION}`, `-D${RESOLUTION}`, ...LEVELS.map((l) => `-I${l}`), '-M'],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: tmpdir() }, // GMT leaves gmt.history in its cwd
);
const features: object[] = [];
let level = 0;
let line: [number, number][] = [];
const flush = () => {
  // Bins cut rivers into pieces; a piece of one vertex draws nothing.
  const dedup = line.filter((p, i) => i === 0 || p[0] !== line[i - 1]![0] || p[1] !== line[i - 1]![1]);
  if (dedup.length >= 2)
    features.push({
      type: 'Feature',
      properties: { level },
      geometry: { type: 'LineString', coordinates: dedup },
    });
  line = [];
};
for (const row of out.split('\n')) {
  if (row.startsWith('>')) {
    flush();
    level = Number(/Level (\d+)/.exec(row)?.[1] ?? 0);
  } else if (row.trim()) {
    const [x, y] = row.trim().split(/\s+/).map(Number) as [number, number];
    line.push([Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]);
  }
}
flush();
const file = path.join(projectRoot, 'data', 'basemap', 'rivers.geojson');
writeFileSync(
  file,
  `${JSON.stringify({
    type: 'FeatureCollection',
    name: 'rivers',
    attribution: 'Rivers: GSHHG/WDBII (Wessel & Smith), LGPL-3, from Debian gmt-gshhg',
    features,
  })}\n`,
);
process.stderr.write(`${features.length} river pieces written to ${path.relative(projectRoot, file)}\n`);

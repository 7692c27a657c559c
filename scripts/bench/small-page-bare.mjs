// The physical limit of `npm run bench:small-page`: a bare node:http server
// that answers every request with the first 10 benchmark projects as a
// GeoJSON FeatureCollection, from one pg query per request (the same view,
// order and coordinate precision as our page) and JSON.stringify, and nothing
// else: no routing, no parameters, no middleware, no count, no links.
//
//   node scripts/bench/small-page-bare.mjs postgres://…/border_atlas_bench   → prints "port <n>"
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.argv[2], max: 10 });
const SQL = `SELECT id, ST_AsGeoJSON(geom, 6, 0) AS g, slug, name, name_en, category, investment_bn_vnd,
  investment_qualifier, funding, start_year, end_year, status, area_m2, commune, commune_code, province,
  province_code, precision, uncertainty_m
  FROM layer_projects ORDER BY id LIMIT $1`;

const server = createServer(async (_req, res) => {
  try {
    const { rows } = await pool.query(SQL, [10]);
    const features = rows.map(({ id, g, ...properties }) => ({
      type: 'Feature',
      id,
      geometry: JSON.parse(g),
      properties,
    }));
    const body = JSON.stringify({ type: 'FeatureCollection', features, numberReturned: rows.length });
    res.writeHead(200, { 'Content-Type': 'application/geo+json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  } catch (e) {
    res.writeHead(500);
    res.end(String(e));
  }
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));

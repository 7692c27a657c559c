// The baseline of `npm run bench:tiles`: a minimal bare node:http server that
// answers each tile URL with the same bytes our server sends for it (read from
// the JSON file given as argument: url, gzip and identity bodies in base64),
// with only Content-Type, Content-Length and, to a client that accepts gzip,
// Content-Encoding. What a cache hit cannot beat: a Map lookup, no cache
// logic, no validators, no middleware.
//
//   node scripts/bench/tiles-bare.mjs /tmp/tiles.json   → prints "port <n>"
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const TYPE = 'application/vnd.mapbox-vector-tile';
const entries = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byUrl = new Map(
  entries.map((e) => {
    const gzip = Buffer.from(e.gzip, 'base64');
    const identity = Buffer.from(e.identity, 'base64');
    return [
      e.url,
      {
        gzip,
        identity,
        gzipHead: { 'Content-Type': TYPE, 'Content-Length': gzip.length, 'Content-Encoding': 'gzip' },
        identityHead: { 'Content-Type': TYPE, 'Content-Length': identity.length },
      },
    ];
  }),
);

const server = createServer((req, res) => {
  const hit = byUrl.get(req.url);
  if (!hit) {
    res.writeHead(404);
    res.end();
    return;
  }
  if (req.headers['accept-encoding']?.includes('gzip')) {
    res.writeHead(200, hit.gzipHead);
    res.end(hit.gzip);
  } else {
    res.writeHead(200, hit.identityHead);
    res.end(hit.identity);
  }
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));

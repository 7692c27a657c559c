// The baseline of `npm run bench:tiles`: a bare node:http server that answers
// each tile URL with the bytes and headers our server sent for it (read from
// the JSON file given as argument), and nothing else. What a cache hit cannot
// beat: no parsing beyond a Map lookup, no cache, no middleware.
//
//   node scripts/bench/tiles-bare.mjs /tmp/tiles.json   → prints "port <n>"
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const entries = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byUrl = new Map(
  entries.map((e) => [e.url, { headers: e.headers, body: Buffer.from(e.body, 'base64') }]),
);

const server = createServer((req, res) => {
  const hit = byUrl.get(req.url);
  if (!hit) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, hit.headers);
  res.end(hit.body);
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));

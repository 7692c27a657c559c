/**
 * Tile debug page (STYLE.md item 13): fetch one z/x/y, list its layers with
 * feature counts, bytes and fields, and draw it. Bytes per layer are the
 * lengths of the layer messages inside the tile (field 3 of the MVT
 * protobuf), so they add up to the tile's size.
 */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

const COLORS = [
  '#1b9e77',
  '#d95f02',
  '#7570b3',
  '#e7298a',
  '#66a61e',
  '#e6ab02',
  '#a6761d',
  '#666',
  '#1f78b4',
];
const form = document.querySelector<HTMLFormElement>('#tile')!;
const canvas = document.querySelector<HTMLCanvasElement>('#draw')!;
const tbody = document.querySelector('#layers tbody')!;
const summary = document.querySelector('#summary')!;

interface TileAddress {
  layers: string;
  z: number;
  x: number;
  y: number;
}

function read(): TileAddress {
  const fd = new FormData(form);
  return {
    layers: String(fd.get('layers') || 'all'),
    z: Number(fd.get('z')),
    x: Number(fd.get('x')),
    y: Number(fd.get('y')),
  };
}

function write(a: TileAddress): void {
  for (const k of ['layers', 'z', 'x', 'y'] as const)
    (form.elements.namedItem(k) as HTMLInputElement).value = String(a[k]);
}

/** Byte length of each layer message (tag 3) in the tile. */
function layerBytes(buf: Uint8Array): Map<string, number> {
  const sizes = new Map<string, number>();
  const pbf = new PbfReader(buf);
  while (pbf.pos < pbf.length) {
    const start = pbf.pos;
    const tag = pbf.readVarint() >> 3;
    if (tag !== 3) {
      pbf.skip(pbf.readVarint() & 7);
      continue;
    }
    const len = pbf.readVarint();
    const end = pbf.pos + len;
    const name = new VectorTile(new PbfReader(buf.subarray(start, end))).layers;
    for (const k of Object.keys(name)) sizes.set(k, end - start);
    pbf.pos = end;
  }
  return sizes;
}

async function show(a: TileAddress): Promise<void> {
  window.history.replaceState(null, '', `#${a.layers}/${a.z}/${a.x}/${a.y}`);
  const url = `/tiles/${a.layers}/${a.z}/${a.x}/${a.y}.mvt`;
  const t0 = performance.now();
  const res = await fetch(url);
  const buf = new Uint8Array(await res.arrayBuffer());
  const ms = performance.now() - t0;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  tbody.replaceChildren();
  summary.textContent = `${url}: ${res.status} ${res.statusText}, ${buf.length.toLocaleString()} bytes decoded, ${
    res.headers.get('content-encoding') ?? 'identity'
  }, ${ms.toFixed(0)} ms`;
  if (res.status !== 200) return;
  const tile = new VectorTile(new PbfReader(buf));
  const bytes = layerBytes(buf);
  Object.keys(tile.layers).forEach((name, i) => {
    const layer = tile.layers[name]!;
    const color = COLORS[i % COLORS.length]!;
    const kinds = new Set<string>();
    const fields = new Set<string>();
    const scale = canvas.width / layer.extent;
    ctx.strokeStyle = color;
    ctx.fillStyle = `${color}55`;
    for (let f = 0; f < layer.length; f++) {
      const feature = layer.feature(f);
      kinds.add(['Unknown', 'Point', 'LineString', 'Polygon'][feature.type]!);
      for (const k of Object.keys(feature.properties)) fields.add(k);
      const rings = feature.loadGeometry();
      ctx.beginPath();
      for (const ring of rings) {
        ring.forEach((p, j) => {
          if (feature.type === 1) {
            ctx.moveTo(p.x * scale + 3, p.y * scale);
            ctx.arc(p.x * scale, p.y * scale, 3, 0, 7);
          } else if (j === 0) ctx.moveTo(p.x * scale, p.y * scale);
          else ctx.lineTo(p.x * scale, p.y * scale);
        });
      }
      if (feature.type === 3) ctx.fill('evenodd');
      if (feature.type === 1) ctx.fill();
      ctx.stroke();
    }
    const tr = document.createElement('tr');
    const key = Object.assign(document.createElement('span'), { className: 'key' });
    key.style.background = color;
    const cells = [
      name,
      String(layer.length),
      (bytes.get(name) ?? 0).toLocaleString(),
      [...kinds].join(', '),
      [...fields].join(', '),
    ];
    cells.forEach((c, j) => {
      const td = document.createElement('td');
      if (j === 0) td.append(key);
      td.append(c);
      if (j === 1 || j === 2) td.className = 'num';
      tr.append(td);
    });
    tbody.append(tr);
  });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void show(read());
});
document.querySelector('#parent')!.addEventListener('click', () => {
  const a = read();
  if (a.z === 0) return;
  const up = { layers: a.layers, z: a.z - 1, x: a.x >> 1, y: a.y >> 1 };
  write(up);
  void show(up);
});
canvas.addEventListener('click', (e) => {
  const r = canvas.getBoundingClientRect();
  const a = read();
  const down = {
    layers: a.layers,
    z: a.z + 1,
    x: a.x * 2 + (e.clientX - r.left > r.width / 2 ? 1 : 0),
    y: a.y * 2 + (e.clientY - r.top > r.height / 2 ? 1 : 0),
  };
  write(down);
  void show(down);
});

const m = /^#([\w,-]+)\/(\d+)\/(\d+)\/(\d+)$/.exec(window.location.hash);
if (m) write({ layers: m[1]!, z: Number(m[2]), x: Number(m[3]), y: Number(m[4]) });
void show(read());

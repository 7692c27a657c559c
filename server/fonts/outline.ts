/**
 * A glyph outline as straight segments in pixel space (y up, baseline at 0),
 * from fontkit path commands. Curves are flattened into short chords: at 24 px
 * a chord of 8 steps per curve is far below the SDF's resolution.
 */
export type Segment = [number, number, number, number];

interface PathCommand {
  command: string;
  args: number[];
}

const STEPS = 8;

export function flatten(commands: readonly PathCommand[], scale: number): Segment[] {
  const segs: Segment[] = [];
  let x = 0;
  let y = 0;
  let sx = 0;
  let sy = 0;
  const line = (nx: number, ny: number) => {
    if (nx !== x || ny !== y) segs.push([x, y, nx, ny]);
    x = nx;
    y = ny;
  };
  for (const { command, args } of commands) {
    const a = args.map((v) => v * scale);
    switch (command) {
      case 'moveTo':
        if (x !== sx || y !== sy) line(sx, sy);
        x = sx = a[0]!;
        y = sy = a[1]!;
        break;
      case 'lineTo':
        line(a[0]!, a[1]!);
        break;
      case 'quadraticCurveTo': {
        const [cx, cy, ex, ey] = a as [number, number, number, number];
        const x0 = x;
        const y0 = y;
        for (let i = 1; i <= STEPS; i++) {
          const t = i / STEPS;
          const u = 1 - t;
          line(u * u * x0 + 2 * u * t * cx + t * t * ex, u * u * y0 + 2 * u * t * cy + t * t * ey);
        }
        break;
      }
      case 'bezierCurveTo': {
        const [c1x, c1y, c2x, c2y, ex, ey] = a as [number, number, number, number, number, number];
        const x0 = x;
        const y0 = y;
        for (let i = 1; i <= STEPS; i++) {
          const t = i / STEPS;
          const u = 1 - t;
          line(
            u * u * u * x0 + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * ex,
            u * u * u * y0 + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * ey,
          );
        }
        break;
      }
      case 'closePath':
        line(sx, sy);
        break;
    }
  }
  if (x !== sx || y !== sy) line(sx, sy);
  return segs;
}

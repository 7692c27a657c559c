/**
 * PMTiles v3 tile ids: tiles of all zooms on one line, zoom after zoom, and
 * within a zoom along a Hilbert curve, so that tiles near each other on the
 * map sit near each other in the archive (one range request often serves a
 * whole view).
 *
 *   zxyToTileId(0, 0, 0)   // 0
 *   zxyToTileId(1, 0, 0)   // 1   (zoom 1 starts after zoom 0's one tile)
 *   zxyToTileId(2, 0, 0)   // 5
 */

/** Tiles in zooms 0 … z−1: (4^z − 1) / 3. Exact in doubles up to z = 26. */
export function zoomStart(z: number): number {
  return (4 ** z - 1) / 3;
}

/** Hilbert distance of (x, y) in a 2^z × 2^z grid, plus the tiles of the zooms before. */
export function zxyToTileId(z: number, x: number, y: number): number {
  if (!Number.isInteger(z) || z < 0 || z > 26) throw new RangeError(`zoom ${z} is outside 0..26`);
  const n = 2 ** z;
  if (x < 0 || y < 0 || x >= n || y >= n) throw new RangeError(`tile ${z}/${x}/${y} is outside its zoom`);
  let d = 0;
  let tx = x;
  let ty = y;
  for (let s = n / 2; s >= 1; s /= 2) {
    // Plain arithmetic rather than bit operators: those stop at 2^31.
    const rx = Math.floor(tx / s) % 2;
    const ry = Math.floor(ty / s) % 2;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant so that the curve inside it has the standard orientation.
    if (ry === 0) {
      if (rx === 1) {
        tx = s - 1 - (tx % s);
        ty = s - 1 - (ty % s);
      } else {
        tx %= s;
        ty %= s;
      }
      [tx, ty] = [ty, tx];
    } else {
      tx %= s;
      ty %= s;
    }
  }
  return zoomStart(z) + d;
}

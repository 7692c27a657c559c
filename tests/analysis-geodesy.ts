/**
 * An independent check of the analysis SQL: Turf finds the nearest point of
 * a line (great-circle segments), and Vincenty's inverse formula measures
 * the distance to it on the WGS84 spheroid. Nothing here calls PostGIS.
 *
 *   ellipsoidalDistance([105, 21], [105.1, 21.1]) // metres
 *   nearestOf([103, 21.2], lines)                  // { index, metres } of the nearest line
 */
import * as turf from '@turf/turf';
import type { Feature, LineString, Position } from 'geojson';

const A = 6378137;
const F = 1 / 298.257223563;
const B = A * (1 - F);

/** Vincenty (1975) inverse: geodesic distance in metres between two lon/lat points on WGS84. */
export function ellipsoidalDistance(p: Position, q: Position): number {
  const rad = Math.PI / 180;
  const L = (q[0]! - p[0]!) * rad;
  const U1 = Math.atan((1 - F) * Math.tan(p[1]! * rad));
  const U2 = Math.atan((1 - F) * Math.tan(q[1]! * rad));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let i = 0; i < 200; i++) {
    const sinL = Math.sin(lambda);
    const cosL = Math.cos(lambda);
    const sinSigma = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL);
    if (sinSigma === 0) return 0;
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda =
      L +
      (1 - C) *
        F *
        sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
      const bigA = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const bigB = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const dSigma =
        bigB *
        sinSigma *
        (cos2SigmaM +
          (bigB / 4) *
            (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
              (bigB / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
      return B * bigA * (sigma - dSigma);
    }
  }
  throw new Error('Vincenty did not converge');
}

/** Geodesic distance from `pt` to `line`: to Turf's nearest point on it, measured by Vincenty. */
export function distanceToLine(pt: Position, line: Feature<LineString> | LineString): number {
  const near = turf.nearestPointOnLine(line, pt);
  return ellipsoidalDistance(pt, near.geometry.coordinates);
}

/** The nearest of `lines` to `pt` and its distance. */
export function nearestOf(
  pt: Position,
  lines: readonly (Feature<LineString> | LineString)[],
): {
  index: number;
  metres: number;
} {
  let best = { index: -1, metres: Number.POSITIVE_INFINITY };
  lines.forEach((l, index) => {
    // No point of a line is nearer than the nearest point of its bounding box
    // (with 1 % to spare), so most lines are ruled out without Turf.
    const [minX, minY, maxX, maxY] = turf.bbox(l);
    const corner = [Math.min(Math.max(pt[0]!, minX), maxX), Math.min(Math.max(pt[1]!, minY), maxY)];
    if (0.99 * ellipsoidalDistance(pt, corner) > best.metres) return;
    const metres = distanceToLine(pt, l);
    if (metres < best.metres) best = { index, metres };
  });
  return best;
}

/** Geodesic length of a line: the sum of its edges by Vincenty. */
export function ellipsoidalLength(coords: readonly Position[]): number {
  let sum = 0;
  for (let i = 1; i < coords.length; i++) sum += ellipsoidalDistance(coords[i - 1]!, coords[i]!);
  return sum;
}

/** True when `a` is within `rel` (relative) plus `abs` metres of `b`. */
export function close(a: number, b: number, rel = 0.005, abs = 1): boolean {
  return Math.abs(a - b) <= rel * Math.abs(b) + abs;
}

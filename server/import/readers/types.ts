/** What every reader yields: one record at a time, never the whole file. */
export interface RawRecord {
  /** 1-based position of the record in the file. */
  n: number;
  /** How a person finds it in the file: `#3` (3rd feature) or `line 4` (CSV). */
  where: string;
  /** The feature's own id, when the format has one. */
  id?: string | number | null;
  properties: Record<string, unknown>;
  /** Geometry text as found; CSV records leave this null and carry coordinate columns. */
  geometry: { format: 'geojson' | 'wkt'; text: string } | null;
  /** Set when the record cannot be used at all (not a Feature, not JSON). */
  bad?: string;
}

export interface Reader {
  /** 'geojson', 'geojsonseq', 'csv', or the OGR driver's input kind ('gpkg', 'shp'...). */
  format: string;
  records: AsyncIterable<RawRecord>;
  /** Bytes consumed so far, and the file's size when that means something. */
  progress(): { bytes: number; total: number | null };
  /** GDAL already reprojected to EPSG:4326 (or the file has no CRS to apply). */
  reprojects?: boolean;
  /** EPSG code the file declares (GeoJSON `crs`, or 4326 after GDAL reprojected), once read. */
  declaredSrid(): number | null;
}

/** `urn:ogc:def:crs:EPSG::32648`, `EPSG:3405`, `urn:ogc:def:crs:OGC:1.3:CRS84` → EPSG code. */
export function epsgOf(crsName: unknown): number | null {
  if (typeof crsName !== 'string') return null;
  if (/CRS84$/i.test(crsName)) return 4326;
  const m = /EPSG:(?:[\d.]*:)?(\d+)$/i.exec(crsName);
  return m ? Number(m[1]) : null;
}

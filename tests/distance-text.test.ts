/**
 * The border list's distances (client/format.ts distanceText) as a planner
 * reads them: the distance to what the location supports, then how far off
 * the location itself may be, in the words and units of the popup's
 * precision line (client/popup.ts precisionText: "Ước lượng ± 2 km", made
 * with the same `metres`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { distanceText, metres } from '../client/format.ts';
import { setLang } from '../client/i18n.ts';

// setLang writes the page's lang and title; outside a browser they go to a plain object.
(globalThis as { document?: unknown }).document ??= { documentElement: {}, title: '' };
afterEach(() => setLang('vi'));

describe('distanceText', () => {
  it('says "vị trí ± …" in Vietnamese and "location ± …" in English, in metres below 1 km', () => {
    setLang('vi');
    expect(distanceText(4.7, 'approximate', 150)).toBe('≈ 5 km (vị trí ± 150 m)');
    expect(distanceText(12.34, 'approximate', 5000)).toBe('≈ 10 km (vị trí ± 5 km)');
    expect(distanceText(12.34, 'approximate', 1500)).toBe('≈ 12 km (vị trí ± 1,5 km)');
    expect(distanceText(12.34, 'schematic', null)).toBe('≈ 12 km (vị trí theo sơ đồ)');
    expect(distanceText(12.34, 'surveyed', null)).toBe('12,3 km');
    setLang('en');
    expect(distanceText(4.7, 'approximate', 150)).toBe('≈ 5 km (location ± 150 m)');
    expect(distanceText(12.34, 'approximate', 2000)).toBe('≈ 12 km (location ± 2 km)');
    expect(distanceText(12.34, 'approximate', null)).toBe('≈ 12 km (approximate location)');
    expect(distanceText(12.34, 'surveyed', undefined)).toBe('12.3 km');
  });

  it('writes the ± as the popup does', () => {
    setLang('en');
    for (const u of [150, 999, 1000, 2000, 7300, 19_000])
      expect(distanceText(30, 'approximate', u)).toContain(`(location ± ${metres(u)})`);
  });
});

/**
 * Every analysis and statistics report, in the order docs/analysis.md and
 * the OpenAPI document list them. The router (route.ts) and `npm run stats`
 * (scripts/stats.ts) are both built from this list.
 */
import { accessibilityReport } from './accessibility.ts';
import { borderLengthReport } from './border-length.ts';
import { distanceBandsReport } from './distance-bands.ts';
import { indicatorsReport } from './indicators.ts';
import { investmentReport } from './investment.ts';
import { nearBorderReport } from './near-border.ts';
import type { Report } from './report.ts';

export const reports: readonly Report[] = [
  nearBorderReport,
  distanceBandsReport,
  investmentReport,
  borderLengthReport,
  accessibilityReport,
  indicatorsReport,
];

export function getReport(name: string): Report | undefined {
  return reports.find((r) => r.name === name);
}

/**
 * Count and money of a set of projects, as every statistic reports them:
 * `count` counts every project, `with_investment` those with a figure, and
 * `investment_bn_vnd` sums those figures (billion VND).
 *
 *   addUp([{ count: 2, with_investment: 1, investment_bn_vnd: 101.46 }, …])
 */
export interface Sums {
  count: number;
  with_investment: number;
  investment_bn_vnd: number;
}

/** Adds up rows of sums (numbers stay exact to the 0.001 billion VND of the data). */
export function addUp(rows: readonly Sums[]): Sums {
  let count = 0;
  let withInvestment = 0;
  let sum = 0;
  for (const r of rows) {
    count += r.count;
    withInvestment += r.with_investment;
    sum += r.investment_bn_vnd;
  }
  return { count, with_investment: withInvestment, investment_bn_vnd: Math.round(sum * 1000) / 1000 };
}

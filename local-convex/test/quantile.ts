/**
 * Percentiles of timing samples, for the benchmark and the tests that assert them.
 */

/** The `q`-quantile of `values` (nearest rank): `quantile(samples, 0.95)` is the p95. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

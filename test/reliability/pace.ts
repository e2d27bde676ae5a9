/**
 * Waits `ms` (at once when it is not positive). The reliability tests pace their load (a rate
 * of requests, a kill every few hundred ms) and hold an outage this long on purpose: that is
 * what they measure. To wait for something to happen, use `waitFor` from test-utils.
 */
export function pace(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

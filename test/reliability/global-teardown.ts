import testRedisTeardown from '../../packages/test-utils/src/global-teardown';
import { TESTS, writeReliabilityReport } from './report';
import { readResults, writeResults } from './results';
import { scale } from './scale';

/**
 * Stops the test Redis the setup may have started. After a full run, records the suite's wall
 * time (when every test ran in it) and rewrites the results section of docs/RELIABILITY.md.
 */
export default async function globalTeardown(): Promise<void> {
  await testRedisTeardown();
  const startedAt = globalThis.__TTA_RELIABILITY_STARTED_AT__;
  if (scale.name !== 'full' || startedAt === undefined) return;
  const results = readResults('full');
  const ranNow = TESTS.every((test) => Date.parse(results.tests[test]?.at ?? '') >= startedAt);
  if (ranNow) {
    results.suite = { wallMs: Date.now() - startedAt, finishedAt: new Date().toISOString() };
    writeResults(results);
  }
  writeReliabilityReport(results);
}

import testRedisSetup from '../../packages/test-utils/src/global-setup';

declare global {
  var __TTA_RELIABILITY_STARTED_AT__: number | undefined;
}

/** The integration tests' Redis setup, and the start time of the suite for its report. */
export default async function globalSetup(): Promise<void> {
  globalThis.__TTA_RELIABILITY_STARTED_AT__ = Date.now();
  await testRedisSetup();
}

/** Stops the throw-away Redis the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__TTA_TEST_REDIS__?.stop();
}

import { hashApiKey } from '@tta/core';
import { spawnNode } from '@tta/test-utils';

// `npm run hash-key -- <key>` prints what config auth.keys[].hash takes for that key.
describe('scripts/hash-key.js', () => {
  it('prints sha256:<hex> of the key, as the API hashes presented keys', async () => {
    const run = spawnNode('scripts/hash-key.js', ['my key with spaces ✓'], {});
    expect(await run.exited).toBe(0);
    expect(run.output()).toBe(`${hashApiKey('my key with spaces ✓')}\n`);
  });

  it('exits 2 with the usage and a fresh random key when given no key', async () => {
    const run = spawnNode('scripts/hash-key.js', [], {});
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/^usage: npm run hash-key -- <key>\n.*tta_[A-Za-z0-9_-]{32}\)\n$/);
  });
});

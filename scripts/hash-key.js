'use strict';
// `npm run hash-key -- <key>`: prints the `sha256:<hex>` hash of an API key, the form config
// `auth.keys[].hash` (and TTA_API_KEYS) takes. The key itself never goes into config.
const { createHash, randomBytes } = require('node:crypto');

const key = process.argv[2];
if (key === undefined || key === '' || process.argv.length > 3) {
  const example = `tta_${randomBytes(24).toString('base64url')}`;
  process.stderr.write(
    `usage: npm run hash-key -- <key>\n(a new random key, if you need one: ${example})\n`,
  );
  process.exit(2);
}
process.stdout.write(`sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}\n`);

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

// `import ... from '<module>'` statements, one line or several.
const IMPORTS = /^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms;

describe('the client and the contract', () => {
  it('takes the types of the API from @tta/contracts as types only: no runtime dependency', () => {
    const runtime: string[] = [];
    let contractImports = 0;
    for (const file of sources(SRC)) {
      for (const [statement, typeOnly, from] of readFileSync(file, 'utf8').matchAll(IMPORTS)) {
        if (from === '@tta/contracts') contractImports += 1;
        if ((from === '@tta/contracts' || from === 'zod') && !typeOnly) {
          runtime.push(`${path.relative(SRC, file)}: ${statement.split('\n')[0]}`);
        }
      }
    }
    expect(runtime).toEqual([]);
    expect(contractImports).toBeGreaterThan(0);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultMaxConnections } from '../../src/http/connection-guard';

describe('defaultMaxConnections', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-limits-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const limits = (openFiles: string): string => {
    const file = path.join(dir, `limits-${openFiles}`);
    writeFileSync(
      file,
      [
        'Limit                     Soft Limit           Hard Limit           Units',
        'Max processes             95000                95000                processes',
        `Max open files            ${openFiles.padEnd(21)}1048576              files`,
      ].join('\n'),
    );
    return file;
  };

  it('keeps a fifth of the open-file limit free, and at most 10,000 connections', () => {
    expect(defaultMaxConnections(limits('1024'))).toBe(819);
    expect(defaultMaxConnections(limits('20000'))).toBe(10_000);
    expect(defaultMaxConnections(limits('unlimited'))).toBe(10_000);
  });

  it('takes 10,000 where the limit cannot be read', () => {
    expect(defaultMaxConnections(path.join(dir, 'missing'))).toBe(10_000);
  });
});

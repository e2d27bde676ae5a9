import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, SAFETY_CATEGORIES } from '@tta/core';
import { loadSafetyLexicon, screenText } from '@tta/agents';

const REAL_FILE = path.resolve(__dirname, '../../../../config/safety-lexicon.json');

describe('loadSafetyLexicon', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tta-lexicon-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function realContents(): Record<string, unknown> & { categories: Record<string, unknown> } {
    return JSON.parse(readFileSync(REAL_FILE, 'utf8')) as ReturnType<typeof realContents>;
  }

  function write(name: string, contents: unknown): string {
    const file = path.join(dir, name);
    writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
    return file;
  }

  function errorOf(file: string): ConfigError {
    try {
      loadSafetyLexicon(file);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error(`${file} loaded without an error`);
  }

  test('loads the project lexicon, which has crisis phrases in every category', () => {
    const contents = realContents();
    for (const category of SAFETY_CATEGORIES) {
      const entry = contents.categories[category] as { crisis: string[]; concern: string[] };
      expect(entry.crisis.length).toBeGreaterThan(0);
      expect(entry.concern.length).toBeGreaterThan(0);
    }
    expect(screenText('I want to kill myself', loadSafetyLexicon(REAL_FILE)).level).toBe('crisis');
  });

  test('names the file when it cannot be read', () => {
    const missing = path.join(dir, 'missing.json');
    const error = errorOf(missing);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('cannot read');
  });

  test('names the file when it is not JSON', () => {
    const file = write('broken.json', '{ "version": 1, ');
    expect(errorOf(file).message).toMatch(new RegExp(`${file}.*not JSON`));
  });

  test('names the file and the missing category', () => {
    const contents = realContents();
    delete contents.categories.eating_disorder;
    const file = write('no-category.json', contents);
    const { message } = errorOf(file);
    expect(message).toContain(file);
    expect(message).toContain('categories.eating_disorder');
  });

  test('names a field of the wrong type', () => {
    const contents = realContents();
    contents.categories.self_harm = { crisis: 'cut myself', concern: [] };
    expect(errorOf(write('wrong-type.json', contents)).message).toContain(
      'invalid categories.self_harm.crisis',
    );
  });

  test('names an empty phrase by its index', () => {
    const contents = realContents();
    contents.categories.panic_attack = { crisis: ['panic attack'], concern: ['ok', '  '] };
    expect(errorOf(write('empty-phrase.json', contents)).message).toContain(
      'invalid categories.panic_attack.concern.1: must not be empty',
    );
  });

  test('names unknown fields and categories', () => {
    const extra = { ...realContents(), extra: true };
    expect(errorOf(write('extra.json', extra)).message).toContain('unknown field(s): extra');
    const contents = realContents();
    contents.categories.gambling = { crisis: [], concern: [] };
    expect(errorOf(write('extra-category.json', contents)).message).toContain(
      'invalid categories: unknown field(s): gambling',
    );
  });

  test('names a wrong version and a missing negation list', () => {
    expect(errorOf(write('v2.json', { ...realContents(), version: 2 })).message).toContain(
      'invalid version',
    );
    expect(
      errorOf(write('no-negations.json', { ...realContents(), negations: [] })).message,
    ).toContain('invalid negations: must name at least one negation');
  });
});

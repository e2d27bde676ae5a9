import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@tta/core';
import { CONCEPT_NAMES, loadSafetyLexicon } from '@tta/agents';

const REAL_FILE = path.resolve(__dirname, '../../../../config/safety-lexicon.json');

describe('loadSafetyLexicon', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tta-lexicon-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function realContents(): Record<string, unknown> & { concepts: Record<string, unknown> } {
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

  test('loads the project lexicon, with every concept the rules read', () => {
    const lexicon = loadSafetyLexicon(REAL_FILE);
    for (const name of CONCEPT_NAMES) {
      const concept = lexicon.concepts[name];
      expect(concept.words.size + concept.phrases.size).toBeGreaterThan(0);
    }
    expect(lexicon.slang.get('kms')).toBe('kill myself');
    expect(lexicon.vocabulary.has('suicidal')).toBe(true);
  });

  test('names the file when it cannot be read', () => {
    const missing = path.join(dir, 'missing.json');
    const error = errorOf(missing);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('cannot read');
  });

  test('names the file when it is not JSON', () => {
    const file = write('broken.json', '{ "version": 2, ');
    expect(errorOf(file).message).toMatch(new RegExp(`${file}.*not JSON`));
  });

  test('names the file and the missing concept', () => {
    const contents = realContents();
    delete contents.concepts.meansStrong;
    const file = write('no-concept.json', contents);
    const { message } = errorOf(file);
    expect(message).toContain(file);
    expect(message).toContain('concepts.meansStrong');
  });

  test('names a field of the wrong type and an empty entry by its index', () => {
    const contents = realContents();
    contents.concepts.symptom = 'numb';
    expect(errorOf(write('wrong-type.json', contents)).message).toContain(
      'invalid concepts.symptom',
    );
    const again = realContents();
    again.concepts.laughter = ['lol', '  '];
    expect(errorOf(write('empty-entry.json', again)).message).toContain(
      'invalid concepts.laughter.1: must not be empty',
    );
  });

  test('names unknown fields and concepts, and a wrong version', () => {
    const extra = { ...realContents(), extra: true };
    expect(errorOf(write('extra.json', extra)).message).toContain('unknown field(s): extra');
    const contents = realContents();
    contents.concepts.gambling = ['bet'];
    expect(errorOf(write('extra-concept.json', contents)).message).toContain(
      'invalid concepts: unknown field(s): gambling',
    );
    expect(errorOf(write('v1.json', { ...realContents(), version: 1 })).message).toContain(
      'invalid version',
    );
  });
});

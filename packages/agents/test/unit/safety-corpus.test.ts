import { CorpusError, parseCorpus } from '../../../../bench/src/safety/corpus';

const HEADER = 'expect,category,style,text\n';

function errorOf(content: string): CorpusError {
  try {
    parseCorpus(content, 'train/x.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(CorpusError);
    return err as CorpusError;
  }
  throw new Error('the corpus parsed without an error');
}

describe('parseCorpus', () => {
  test('reads RFC 4180 rows with the line each starts on', () => {
    const content =
      '\ufeff' +
      HEADER +
      '"crisis","wish_dead","direct","I wish I was dead."\n' +
      'safe,game_violent,direct,"kill the goblin, then ""loot"" it"\n' +
      '\n' +
      'concern,low_mood,indirect,"a text\nover two lines"\n' +
      'safe,smalltalk,typo,last row without newline';
    const rows = parseCorpus(content, 'train/x.csv');
    expect(rows.map((row) => [row.line, row.expect, row.category, row.style, row.text])).toEqual([
      [2, 'crisis', 'wish_dead', 'direct', 'I wish I was dead.'],
      [3, 'safe', 'game_violent', 'direct', 'kill the goblin, then "loot" it'],
      [5, 'concern', 'low_mood', 'indirect', 'a text\nover two lines'],
      [7, 'safe', 'smalltalk', 'typo', 'last row without newline'],
    ]);
    expect(rows[0]?.file).toBe('train/x.csv');
  });

  test('accepts a file with the header only', () => {
    expect(parseCorpus(HEADER, 'train/x.csv')).toEqual([]);
  });

  test.each([
    [
      'a wrong header',
      'level,category,style,text\n',
      1,
      'header must be "expect,category,style,text"',
    ],
    ['an empty file', '', 1, 'header must be'],
    [
      'an unknown level',
      `${HEADER}safe,a,b,c\nurgent,a,b,c\n`,
      3,
      'expect must be one of safe|concern|crisis, got "urgent"',
    ],
    ['an empty category', `${HEADER}crisis,,direct,text\n`, 2, 'category must not be empty'],
    ['a blank style', `${HEADER}crisis,plan,  ,text\n`, 2, 'style must not be empty'],
    ['an empty text', `${HEADER}crisis,plan,direct,""\n`, 2, 'text must not be empty'],
    ['a missing field', `${HEADER}crisis,plan,direct\n`, 2, 'expected 4 fields, got 3'],
    ['an extra field', `${HEADER}\n\ncrisis,plan,direct,a,b\n`, 4, 'expected 4 fields, got 5'],
    ['an unclosed quote', `${HEADER}crisis,plan,direct,"never closed\n`, 2, 'not valid CSV'],
  ])('names the file, line and reason for %s', (_, content, line, reason) => {
    const error = errorOf(content);
    expect(error.line).toBe(line);
    expect(error.message).toBe(`train/x.csv:${line}: ${error.reason}`);
    expect(error.reason).toContain(reason);
  });
});

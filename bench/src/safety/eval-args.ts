import { parseArgs } from 'node:util';
import { SPLITS, type Split } from './safety-report';

/** What `npm run eval:safety -- ...` was asked to do. */
export interface EvalSafetyOptions {
  /** Which labelled splits to screen and report (`--split`, default `all`). */
  split: Split | 'all';
  /** Write `bench/results/safety.json` and `docs/SAFETY.md` (off with `--no-write`). */
  write: boolean;
  /** Print the misclassified rows of these parts (`--show-errors train|transcript`). */
  showErrors: Array<'train' | 'transcript'>;
}

/** Usage line shown with an argument error. */
export const EVAL_SAFETY_USAGE =
  'usage: npm run eval:safety -- [--split train|test|all] [--no-write] [--show-errors train|transcript]';

/**
 * Parses the command line. Throws on an unknown flag or value; `--show-errors test` is refused,
 * as the test split's texts are never printed.
 */
export function parseEvalArgs(argv: readonly string[]): EvalSafetyOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      split: { type: 'string', default: 'all' },
      'no-write': { type: 'boolean', default: false },
      'show-errors': { type: 'string', multiple: true, default: [] },
    },
    strict: true,
    allowPositionals: false,
  });
  const split = values.split;
  if (split !== 'all' && !(SPLITS as readonly string[]).includes(split)) {
    throw new Error(`--split must be train, test or all, got "${split}"`);
  }
  const showErrors = values['show-errors'].map((part) => {
    if (part === 'train' || part === 'transcript') return part;
    if (part === 'test') throw new Error('--show-errors test: the test split stays unseen');
    throw new Error(`--show-errors must be train or transcript, got "${part}"`);
  });
  return { split: split as Split | 'all', write: !values['no-write'], showErrors };
}

import path from 'node:path';

/** The repository root: this file is three folders below it, as source and compiled. */
const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Where the safety evaluation reads and writes. */
export interface SafetyPaths {
  /** `eval/safety/train/`: labelled CSVs the classifier is trained and the rules tuned on. */
  train: string;
  /** `eval/safety/test/`: held-out labelled CSVs, read only by the evaluation. */
  test: string;
  /** `eval/safety/transcript/`: text files of play, one input a line, all expected safe. */
  transcript: string;
  /** `config/safety-lexicon.json`. */
  lexicon: string;
  /** `bench/results/safety.json`. */
  results: string;
  /** `docs/SAFETY.md`. */
  doc: string;
}

/** The safety evaluation's paths under the repository root `root`. */
export function safetyPaths(root: string = REPO_ROOT): SafetyPaths {
  return {
    train: path.join(root, 'eval/safety/train'),
    test: path.join(root, 'eval/safety/test'),
    transcript: path.join(root, 'eval/safety/transcript'),
    lexicon: path.join(root, 'config/safety-lexicon.json'),
    results: path.join(root, 'bench/results/safety.json'),
    doc: path.join(root, 'docs/SAFETY.md'),
  };
}

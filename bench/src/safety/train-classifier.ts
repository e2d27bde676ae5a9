import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SafetyScreen, defaultModelPath, loadSafetyLexicon } from '@tta/agents';
import { toError } from '@tta/core';
import {
  DEFAULT_TRAINING_SETTINGS,
  HEADS,
  trainClassifier,
  type TrainingResult,
} from './classifier-training';
import { buildClassifierModel } from './classifier-model-file';
import { corpusFiles, readCorpus } from './corpus';
import { safetyPaths } from './safety-paths';

// `npm run train:safety`: trains the on-device safety classifier on eval/safety/train/*.csv
// (never on the test split) and writes packages/agents/models/safety-classifier.json.

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

function summary(result: TrainingResult, targetRecall: number): string[] {
  const what = { crisis: 'crisis', flag: 'crisis or concern' } as const;
  return [
    ...HEADS.map((head) => {
      const r = result[head].report;
      return (
        `${head.padEnd(6)} threshold ${r.threshold}: out-of-fold recall of ${what[head]} ` +
        `${percent(r.recall)} (target ${percent(targetRecall)}, ${r.positives} rows), ` +
        `safe rows flagged ${percent(r.safeFalseAlarm)}`
      );
    }),
    `concern rows called crisis out of fold: ${percent(result.concernCalledCrisis)}`,
    `short texts: crisis threshold ${result.short.threshold}, out-of-fold recall of crisis ${percent(result.short.crisisRecall)}, safe called crisis ${percent(result.short.safeCalledCrisis)}`,
  ];
}

function main(): void {
  const started = performance.now();
  const paths = safetyPaths();
  const files = corpusFiles(paths.train);
  const rows = readCorpus(paths.train);
  if (rows.length === 0) throw new Error(`no training rows in ${paths.train}`);
  console.log(
    `train:safety: ${rows.length} rows from ${files.length} file(s) in ${path.relative(process.cwd(), paths.train)}`,
  );
  const settings = DEFAULT_TRAINING_SETTINGS;
  // The classifier reads what the screen hands it at run time: normalised words, fiction removed.
  const screen = new SafetyScreen({ lexicon: loadSafetyLexicon(paths.lexicon), classifier: null });
  const result = trainClassifier(rows, (text) => screen.classifierText(text), settings);
  const model = buildClassifierModel(result, rows, settings);
  const file = defaultModelPath();
  // One line: a weight per line would make the file several megabytes larger for no reader.
  writeFileSync(file, `${JSON.stringify(model)}\n`);
  for (const line of summary(result, settings.targetRecall)) console.log(`  ${line}`);
  const stored = model.crisis.weights.length + model.flag.weights.length;
  console.log(
    `written ${path.relative(process.cwd(), file)}: model ${model.id}, ${stored} weights, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

try {
  main();
} catch (err: unknown) {
  console.error(`train:safety: ${toError(err).message}`);
  process.exit(1);
}

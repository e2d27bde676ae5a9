export * from './built-in-agents';
export * from './input-processor';
export { parseInput, type ParsedInput } from './input/parse-input';
export * from './narrative-generator';
export {
  CONCEPT_NAMES,
  loadSafetyLexicon,
  parseSafetyLexicon,
  type ConceptName,
  type SafetyLexicon,
  type SafetyLexiconFile,
} from './safety/lexicon/screen-lexicon';
export {
  SafetyScreen,
  SCREEN_RULES_VERSION,
  type SafetyScreenOptions,
  type SafetyScreenResult,
} from './safety/safety-screen';
export {
  CORROBORATED_RULES,
  CORROBORATION_THRESHOLD,
  corroborateSignals,
} from './safety/rule-corroboration';
export {
  parseSecondOpinion,
  withSecondOpinion,
  type SecondOpinionOptions,
} from './safety/llm-second-opinion';
export {
  DEFAULT_FEATURE_BUCKETS,
  MAX_FEATURE_WORD_CHARS,
  MAX_FEATURE_WORDS,
  RiskClassifier,
  SHORT_TEXT_WORDS,
  classifierWordCount,
  defaultModelPath,
  extractFeatures,
  parseClassifierModel,
  type ClassifierModel,
  type RiskScore,
  type RiskThresholds,
} from './safety/classifier';
export * from './world-builder';
export * from './load-agent';

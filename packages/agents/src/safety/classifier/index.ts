export {
  DEFAULT_FEATURE_BUCKETS,
  MAX_FEATURE_WORD_CHARS,
  MAX_FEATURE_WORDS,
  extractFeatureVector,
  extractFeatures,
  fnv1a,
  type FeatureVector,
} from './classifier-features';
export {
  classifierModelSchema,
  parseClassifierModel,
  type ClassifierModel,
} from './classifier-model';
export {
  RiskClassifier,
  SHORT_TEXT_WORDS,
  classifierWordCount,
  defaultModelPath,
  type RiskScore,
  type RiskThresholds,
} from './risk-classifier';

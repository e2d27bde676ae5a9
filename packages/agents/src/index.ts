export * from './built-in-agents';
export * from './input-processor';
export { parseInput, type ParsedInput } from './input/parse-input';
export * from './narrative-generator';
export { loadSafetyLexicon, parseSafetyLexicon, type SafetyLexicon } from './safety/safety-lexicon';
export { screenText, type SafetyMatch, type SafetyScreen } from './safety/screen-text';
export * from './world-builder';
export * from './load-agent';

/**
 * Capabilities: the catalog of what agents can do, and the input and output schemas of the built-in
 * ones (the game's vocabulary: intents, world state, narrative, safety levels).
 */
export { CapabilityCatalog, type CapabilityEntry } from './capability-catalog';
export {
  type BuiltInCapability,
  builtInCapabilitySchemas,
  CSSRS_LEVELS,
  type CssrsLevel,
  type Intent,
  INTENT_VERBS,
  intentSchema,
  type IntentVerb,
  NARRATIVE_TONES,
  type NarrativeSafety,
  type NarrativeTone,
  RISK_MARKERS,
  type RiskMarker,
  SAFETY_CATEGORIES,
  SAFETY_LEVELS,
  type SafetyCategory,
  type SafetyLevel,
  type ScreenLayer,
  type WorldState,
  worldStateSchema,
} from './capability-schemas';

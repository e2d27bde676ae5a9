/**
 * Capabilities: the catalog of what agents can do, and the input and output schemas of the built-in
 * ones (the game's vocabulary: intents, world state, narrative, safety levels).
 */
export { CapabilityCatalog, type CapabilityEntry } from './capability-catalog';

/**
 * Sessions: the order in which a session's tasks run, its spending budget, and the keys of its
 * world state.
 */
export { SessionBudget, type SessionBudgetOptions } from './session-budget';
export { SessionGate, type SessionGateOptions, type SessionOrderedData } from './session-gate';
export { SessionOrder } from './session-order';
export { SESSION_OWNER_TTL_MS, SessionOwners } from './session-owners';
export { worldActivityKey, worldHistoryKey, worldKey } from './world-keys';

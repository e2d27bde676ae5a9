/**
 * Sessions: the order in which a session's tasks run, and its spending budget.
 */
export { SessionBudget, type SessionBudgetOptions } from './session-budget';
export { SessionGate, type SessionGateOptions, type SessionOrderedData } from './session-gate';
export { SessionOrder } from './session-order';
export { SESSION_OWNER_TTL_MS, SessionOwners } from './session-owners';

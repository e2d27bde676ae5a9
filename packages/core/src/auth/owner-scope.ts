/**
 * Whose data a call may reach: with `owner`, only that owner's (others' read as not found);
 * without it, every owner's (an admin key, or the system itself).
 */
export interface OwnerScope {
  /** The caller's owner; absent for callers that see every owner's data. */
  owner?: string;
}

/**
 * Whether data stored with `owner` is within `scope`. Data stored without an owner (before
 * owners existed) is reachable only by callers that see every owner's data.
 */
export function withinScope(scope: OwnerScope, owner: string | undefined): boolean {
  return scope.owner === undefined || scope.owner === owner;
}

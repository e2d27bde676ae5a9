import {
  NotFoundError,
  withinScope,
  type OwnerScope,
  type SafetyAuditEntry,
  type SafetyEvent,
  type SafetyEventStore,
} from '@tta/core';

/**
 * Decides which audit entries (of the audit export and of the live stream) a caller sees: with
 * an owner scope, only those about its owner's events. The owner of an event is read from the
 * entry when it carries the event, else from the store once per event.
 */
export class SafetyOwnerFilter {
  private readonly owners = new Map<string, string | undefined>();

  constructor(
    private readonly store: SafetyEventStore,
    private readonly scope: OwnerScope,
  ) {}

  /** Whether the caller may see `entry` (`event`: the event it is about, when known). */
  async keep(entry: SafetyAuditEntry, event?: SafetyEvent): Promise<boolean> {
    if (this.scope.owner === undefined) return true;
    const known = event ?? entry.event;
    if (known) this.owners.set(entry.eventId, known.owner);
    if (!this.owners.has(entry.eventId)) {
      this.owners.set(entry.eventId, await this.ownerOf(entry.eventId));
    }
    return withinScope(this.scope, this.owners.get(entry.eventId));
  }

  private async ownerOf(eventId: string): Promise<string | undefined> {
    try {
      return (await this.store.get(eventId)).owner;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }
}

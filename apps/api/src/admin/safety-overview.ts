import type { SafetyEvent, SafetyEventStore } from '@tta/core';

/** Options of {@link readSafetyOverview}. */
export interface SafetyOverviewOptions {
  /** Most events read of each status (open, acknowledged). Default: 200. */
  limit?: number;
}

/** What the safety page shows: the events still to be reviewed through. */
export interface SafetyOverview {
  /** Open and acknowledged events, in no particular order ({@link orderForReview} sorts them). */
  events: SafetyEvent[];
  /** Whether there are more open or acknowledged events than were read. */
  more: boolean;
  /** Epoch ms of the read. */
  readAt: number;
}

/** Reads the open and the acknowledged events of the review queue. */
export async function readSafetyOverview(
  store: SafetyEventStore,
  options: SafetyOverviewOptions = {},
): Promise<SafetyOverview> {
  const limit = options.limit ?? 200;
  const [open, acknowledged] = await Promise.all([
    store.list({ status: 'open', limit }),
    store.list({ status: 'acknowledged', limit }),
  ]);
  return {
    events: [...open.events, ...acknowledged.events],
    more: open.nextCursor !== undefined || acknowledged.nextCursor !== undefined,
    readAt: Date.now(),
  };
}

/**
 * The events in the order of the review queue: most severe first (crisis, screen_unavailable,
 * concern), then oldest, then by id. A sorted copy; the argument is left as it is.
 */
export function orderForReview(events: readonly SafetyEvent[]): SafetyEvent[] {
  return [...events].sort(
    (a, b) =>
      b.severity - a.severity ||
      a.createdAt - b.createdAt ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The line above the list: how many events of each status it shows, and when it was read. */
export function summarizeOverview(overview: SafetyOverview): string {
  const count = (status: string) => overview.events.filter((e) => e.status === status).length;
  const more = overview.more ? ' · more not shown' : '';
  const at = new Date(overview.readAt).toISOString();
  return `${count('open')} open · ${count('acknowledged')} acknowledged${more} · read at ${at}`;
}

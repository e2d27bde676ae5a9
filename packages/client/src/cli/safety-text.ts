import type { SafetyAuditEntry, SafetyEvent } from '../api-types';
import { oneLine } from './exit-codes';
import { formatAge, formatFields, formatTable, truncate } from './format-table';

/** The review queue as a table: type, status, age, session, categories and id of each event. */
export function safetyEventTable(events: readonly SafetyEvent[], now = Date.now()): string {
  const rows = events.map((e) => [
    e.type,
    e.status,
    formatAge(e.createdAt, now),
    e.sessionId ?? '-',
    truncate(e.categories.join(',') || '-', 40),
    e.id,
  ]);
  return formatTable(['TYPE', 'STATUS', 'AGE', 'SESSION', 'CATEGORIES', 'ID'], rows);
}

/** One safety event as `name  value` lines, then its reviewers' notes. */
export function safetyEventText(event: SafetyEvent, now = Date.now()): string {
  const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : undefined);
  const fields = formatFields([
    ['id', event.id],
    ['type', `${event.type} (severity ${event.severity})`],
    ['status', event.status],
    ['level', event.level],
    ['session', event.sessionId],
    ['run', `${event.runId} (${event.workflow})`],
    ['categories', list(event.categories)],
    ['cssrs', event.cssrs],
    ['layers', list(event.layers)],
    ['screen', event.screenVersion],
    ['raised by', list(event.sessionReasons)],
    ['shown', event.shown],
    ['reason', event.reason === undefined ? undefined : oneLine(event.reason)],
    ['screened', isoTime(event.at)],
    ['recorded', `${isoTime(event.createdAt)} (${formatAge(event.createdAt, now)} ago)`],
    ['acknowledged', reviewText(event.acknowledgedAt, event.acknowledgedBy)],
    ['resolved', reviewText(event.resolvedAt, event.resolvedBy)],
    ['notified', notifiedText(event)],
  ]);
  if (event.notes.length === 0) return fields;
  const notes = event.notes.map(
    (n) => `  ${isoTime(n.at)}  ${n.by} (${n.action})${n.note ? `: ${oneLine(n.note)}` : ''}\n`,
  );
  return `${fields}notes:\n${notes.join('')}`;
}

/**
 * One audit entry on one line: its time, action, event id and type, then what it says: the
 * session and categories of a recorded event, the reviewer and note of a review.
 */
export function auditEntryLine(entry: SafetyAuditEntry, event?: SafetyEvent): string {
  const about = event ?? entry.event;
  const head = [isoTime(entry.at), entry.action.padEnd(12), entry.eventId, about?.type ?? '-'];
  if (entry.action === 'event' && about) {
    head.push(`session ${about.sessionId ?? '-'}`, about.categories.join(',') || '-');
  } else if (entry.by !== undefined) {
    head.push(`by ${entry.by}${entry.note ? `: ${oneLine(entry.note)}` : ''}`);
  }
  return head.join('  ');
}

function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function reviewText(at: number | undefined, by: string | undefined): string | undefined {
  return at === undefined ? undefined : `${isoTime(at)} by ${by ?? '?'}`;
}

function notifiedText(event: SafetyEvent): string | undefined {
  if (event.notifications === 0) return undefined;
  const last = event.notifiedAt === undefined ? '' : `, last ${isoTime(event.notifiedAt)}`;
  return `${event.notifications} time${event.notifications === 1 ? '' : 's'}${last}`;
}

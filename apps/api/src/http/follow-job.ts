import {
  toError,
  type JobEvent,
  type JobEventStream,
  type Logger,
  type Unsubscribe,
} from '@tta/core';
import type { Response } from 'express';
import { SseStream } from './sse-stream';

/** One server-sent event: its name and its JSON data. */
export interface SseEvent {
  /** The `event:` name. */
  event: string;
  /** What goes, as JSON, on the `data:` line. */
  data: unknown;
}

/** What a job event becomes on the stream. */
export interface JobEventTranslation {
  /** The events to send, in order (none to skip the job event). */
  events: SseEvent[];
  /** Whether the stream ends after them. */
  end: boolean;
}

/** Options of {@link followJob}. */
export interface FollowJobOptions<View> {
  /** Where the job's events come from. */
  events: JobEventStream;
  /** The job's queue. */
  queue: string;
  /** The job's id. */
  jobId: string;
  /** Interval of the heartbeat comment. */
  heartbeatMs: number;
  /** Receives failures of a translation (the stream then ends). */
  logger: Logger;
  /**
   * Reads the job's state, sent first as the `snapshot` event. What it throws (a 404
   * `NotFoundError`) is answered as a JSON error: the stream has not started yet.
   */
  snapshot: () => Promise<View>;
  /** Whether a state is final, so that the stream ends right after the snapshot. */
  isFinal: (view: View) => boolean;
  /** What one job event becomes; called in the order the events happened, one at a time. */
  translate: (event: JobEvent) => Promise<JobEventTranslation>;
}

/**
 * Streams one job to `res` as server-sent events: it subscribes to the job's events first,
 * then reads and sends the `snapshot`, so that nothing that happens in between is lost (events
 * heard meanwhile are held back until the snapshot is out); then each job event as
 * `translate` says, until one ends the stream, the event stream closes or the client goes away,
 * which ends the subscription and the heartbeat.
 */
export async function followJob<View>(
  res: Response,
  options: FollowJobOptions<View>,
): Promise<void> {
  await new JobFollower(res, options).run();
}

/** One stream's state: its subscription, the SSE writer once it is open, and the event queue. */
class JobFollower<View> {
  private stream?: SseStream;
  private unsubscribe?: Unsubscribe;
  private done = false;
  private release!: () => void;
  // Job events are handled one after the other, and only once the snapshot is out.
  private chain = new Promise<void>((resolve) => (this.release = resolve));

  constructor(
    private readonly res: Response,
    private readonly options: FollowJobOptions<View>,
  ) {}

  async run(): Promise<void> {
    const { events, queue, jobId } = this.options;
    // The response closes when the client goes away, and after any answer the handler sends.
    this.res.once('close', () => this.finish());
    this.unsubscribe = await events.subscribe(queue, jobId, (event) => this.enqueue(event));
    if (this.done) return this.unsubscribe();
    let view: View;
    try {
      view = await this.options.snapshot();
    } catch (err) {
      this.unsubscribe();
      throw err;
    }
    if (this.done) return;
    this.stream = new SseStream(this.res, { heartbeatMs: this.options.heartbeatMs });
    this.stream.open();
    this.stream.send('snapshot', view);
    if (this.options.isFinal(view)) this.finish();
    else this.release();
  }

  private enqueue(event: JobEvent): void {
    this.chain = this.chain
      .then(() => this.deliver(event))
      .catch((err: unknown) => {
        this.options.logger.error('event stream failed', {
          jobId: this.options.jobId,
          error: toError(err).message,
        });
        this.finish();
      });
  }

  private async deliver(event: JobEvent): Promise<void> {
    if (this.done) return;
    const translation =
      event.name === 'closed' ? { events: [], end: true } : await this.options.translate(event);
    for (const { event: name, data } of translation.events) this.stream?.send(name, data);
    if (translation.end) this.finish();
  }

  private finish(): void {
    this.done = true;
    this.unsubscribe?.();
    this.stream?.end();
  }
}

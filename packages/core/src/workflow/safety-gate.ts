import type { AppConfig } from '../config/load-config';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import type { WorkflowRunData, WorkflowStage, WorkflowStep } from './workflow-types';
import {
  readScreenOutput,
  SCREEN_CAPABILITY,
  type RunSafety,
  type ScreenOutput,
} from '../safety/run-safety';
import type { NewSafetyEvent } from '../safety/safety-event';
import type { SafetyEventType } from '@tta/contracts';
import { SafetyEventStore } from '../safety/safety-event-store';
import type { SafetyMetrics } from '../safety/safety-metrics';
import { escalationConfigOf, SafetyNotifications } from '../safety/safety-notifier';
import { SessionSafety, type SessionTurnSafety } from '../safety/session-safety';

/** Options of {@link SafetyGate}. */
export interface SafetyGateOptions {
  /** Producer connection; not closed by the gate. */
  connection: RedisClient;
  /** The control shard: events, their review and escalation. */
  names: QueueNames;
  /** Config `safety`. */
  config: AppConfig['safety'];
  metrics: SafetyMetrics;
  logger: Logger;
}

/** The run a gate decides on: its id and data (its steps with the screen's ended). */
export interface GatedRun {
  id: string;
  data: WorkflowRunData;
}

/** A turn's safety after its screen step, and the event it wrote. */
export interface GateDecision {
  safety: RunSafety;
  /** The run's early outcome: `crisis` or `screen_unavailable`; none to go on. */
  outcome?: 'crisis' | 'screen_unavailable';
}

/**
 * The safety gate of workflow runs, for every run with a `safety.screen` step: once the screen
 * has answered (or failed), it adds the turn to its session's risk ({@link SessionSafety}),
 * decides whether the run ends (crisis, or a screen that failed: fail closed), what the
 * narrator is told (concern, supportive mode, a break) and whether the result discloses the
 * AI; and it writes the turn's safety event (crisis, screen_unavailable, concern) and escalates
 * it. Idempotent per run: a run processed again writes nothing twice.
 */
export class SafetyGate {
  private readonly sessions: SessionSafety;
  private readonly store: SafetyEventStore;
  private readonly notifications: SafetyNotifications;

  constructor(private readonly options: SafetyGateOptions) {
    const { connection, names, config } = options;
    this.sessions = new SessionSafety(connection, config);
    this.store = SafetyEventStore.fromConfig(connection, names, config);
    this.notifications = new SafetyNotifications(connection, names, escalationConfigOf(config));
  }

  /** The screen step of a stage, if it has one. */
  static screenStep(stage: WorkflowStage): WorkflowStep | undefined {
    return stage.steps.find((s) => s.capability === SCREEN_CAPABILITY);
  }

  /**
   * Decides the turn's safety once the screen step of `job`'s current stage has ended, with
   * the player's words `text` (hashed into the event, never kept).
   */
  async decide(
    job: GatedRun,
    shard: QueueNames,
    step: WorkflowStep,
    text: string | undefined,
  ): Promise<GateDecision> {
    const record = job.data.steps[step.id];
    const screen = record?.status === 'completed' ? readScreenOutput(record.output) : undefined;
    if (!screen) {
      const reason =
        record?.status === 'failed'
          ? `the safety screen failed: ${record.error ?? 'failed'}`
          : 'the safety screen answered nothing a gate can read';
      const safety: RunSafety = {
        level: 'unknown',
        categories: [],
        reasons: [],
        supportive: false,
        suggestBreak: false,
        layers: [],
        unavailable: reason,
      };
      await this.report(job, 'screen_unavailable', safety, text, reason);
      return { safety, outcome: 'screen_unavailable' };
    }
    const session = await this.sessionOf(job, shard, screen);
    const safety = this.safetyOf(screen, session);
    const type: SafetyEventType | undefined =
      safety.level === 'crisis' ? 'crisis' : safety.level === 'concern' ? 'concern' : undefined;
    if (type) await this.report(job, type, safety, text);
    return safety.level === 'crisis' ? { safety, outcome: 'crisis' } : { safety };
  }

  /** Closes the notification queue. */
  close(): Promise<void> {
    return this.notifications.close();
  }

  private async sessionOf(
    job: GatedRun,
    shard: QueueNames,
    screen: ScreenOutput,
  ): Promise<SessionTurnSafety | undefined> {
    const sessionId = job.data.sessionId;
    if (sessionId === undefined) return undefined;
    return this.sessions.record(shard, sessionId, {
      runId: job.id,
      at: Date.now(),
      level: screen.level,
      categories: screen.categories,
      markers: screen.markers,
    });
  }

  private safetyOf(screen: ScreenOutput, session: SessionTurnSafety | undefined): RunSafety {
    const { config } = this.options;
    const level = session?.level ?? screen.level;
    const supportive = session?.supportive ?? false;
    const safety: RunSafety = {
      level,
      screenLevel: screen.level,
      categories: [...screen.categories],
      reasons: session?.reasons ?? [],
      supportive,
      suggestBreak: session?.suggestBreak ?? false,
      layers: [...screen.layers],
    };
    if (level === 'crisis' && safety.categories.length === 0) safety.categories.push('distress');
    if (screen.cssrs !== undefined) safety.cssrs = screen.cssrs;
    if (screen.score !== undefined) safety.score = screen.score;
    if (screen.version !== undefined) safety.version = screen.version;
    if (session) safety.sessionScore = session.score;
    if (session?.disclose) safety.disclosure = config.disclosure.message;
    if (level === 'concern' || supportive) {
      safety.resources = config.crisisResources.map((r) => ({ ...r }));
    }
    return safety;
  }

  private async report(
    job: GatedRun,
    type: SafetyEventType,
    safety: RunSafety,
    text: string | undefined,
    reason?: string,
  ): Promise<void> {
    const event: NewSafetyEvent = {
      type,
      runId: job.id,
      workflow: job.data.workflow,
      level: safety.level,
      categories: [...safety.categories],
      layers: [...safety.layers],
      sessionReasons: [...safety.reasons],
      shown: type === 'concern' ? 'check_in' : 'crisis_response',
      at: Date.now(),
    };
    if (job.data.sessionId !== undefined) event.sessionId = job.data.sessionId;
    if (job.data.owner !== undefined) event.owner = job.data.owner;
    if (safety.cssrs !== undefined) event.cssrs = safety.cssrs;
    if (safety.version !== undefined) event.screenVersion = safety.version;
    if (reason !== undefined) event.reason = reason;
    if (text !== undefined) event.inputHash = await this.store.hashInput(text);
    const { event: written, created } = await this.store.record(event);
    safety.eventId = written.id;
    if (created) {
      this.options.metrics.event(type);
      if (SafetyNotifications.escalates(type)) await this.store.notified(written.id);
    }
    await this.notifications.notify(written);
    this.options.logger.warn('safety event', {
      eventId: written.id,
      type,
      level: safety.level,
      categories: safety.categories,
      ...(job.data.sessionId !== undefined && { sessionId: job.data.sessionId }),
    });
  }
}

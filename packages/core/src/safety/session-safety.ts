import type { RiskMarker, SafetyCategory, SafetyLevel } from '@tta/contracts';
import type { AppConfig } from '../config/load-config';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { assessSessionRisk, type ScreenedTurn, type SessionRiskAssessment } from './session-risk';

/** The settings {@link SessionSafety} reads: config `safety`. */
export type SessionSafetyConfig = Pick<
  AppConfig['safety'],
  'sessionRisk' | 'disclosure' | 'breaks'
>;

/** What a session's safety state makes of a turn. */
export interface SessionTurnSafety extends SessionRiskAssessment {
  /** Whether the session is in supportive mode after a crisis (this turn's crisis included). */
  supportive: boolean;
  /** Whether this turn's result carries the AI disclosure (first turn, then every period). */
  disclose: boolean;
  /** Whether the narrator suggests a break (after a long stretch of continuous play). */
  suggestBreak: boolean;
}

/** The fields of a session's state hash. */
interface SessionFields {
  lastRunId?: string;
  lastResult?: string;
  crisisAt?: string;
  turnsSinceCrisis?: string;
  disclosedAt?: string;
  stretchAt?: string;
  lastTurnAt?: string;
  breakAt?: string;
}

/**
 * The safety state of each player session, in Redis on the session's shard
 * (`<prefix>:safety:session:<id>`, a hash, and `...:turns`, the screened turns of the window):
 * the session's risk across turns ({@link assessSessionRisk}), its supportive mode after a
 * crisis, when it last saw the AI disclosure and how long it has been playing without a pause.
 * The runs of a session take turns (the session order), so one turn is recorded at a time;
 * recording the same run again answers what it answered the first time.
 */
export class SessionSafety {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: SessionSafetyConfig,
  ) {}

  /** Records a screened turn of the session on `shard` and answers what it means. */
  async record(
    shard: QueueNames,
    sessionId: string,
    turn: ScreenedTurn,
  ): Promise<SessionTurnSafety> {
    const key = shard.key('safety', 'session', sessionId);
    const turnsKey = `${key}:turns`;
    const risk = this.config.sessionRisk;
    const [[, hash], [, members]] = (await this.redis
      .multi()
      .hgetall(key)
      .zrangebyscore(turnsKey, turn.at - risk.windowMs, '+inf', 'WITHSCORES')
      .exec()) as [[unknown, SessionFields], [unknown, string[]]];
    if (hash.lastRunId === turn.runId && hash.lastResult !== undefined) {
      return JSON.parse(hash.lastResult) as SessionTurnSafety;
    }
    const earlier: ScreenedTurn[] = [];
    for (let i = 0; i + 1 < members.length; i += 2) {
      const parsed = parseTurn(members[i] ?? '', Number(members[i + 1]));
      if (parsed) earlier.push(parsed);
    }
    const assessment = assessSessionRisk(earlier, turn, risk);
    const fields: Record<string, string> = { lastRunId: turn.runId };
    const result: SessionTurnSafety = {
      ...assessment,
      supportive: this.supportive(hash, assessment.level, turn.at, fields),
      disclose: this.disclose(hash, turn.at, fields),
      suggestBreak: this.suggestBreak(hash, turn.at, fields),
    };
    fields.lastResult = JSON.stringify(result);
    const ttlMs = this.ttlMs();
    await this.redis
      .multi()
      .zadd(turnsKey, turn.at, JSON.stringify(turnRecord(turn)))
      .zremrangebyscore(turnsKey, '-inf', turn.at - risk.windowMs)
      .hset(key, fields)
      .pexpire(key, ttlMs)
      .pexpire(turnsKey, ttlMs)
      .exec();
    return result;
  }

  /** Erases a session's safety state. */
  async erase(shard: QueueNames, sessionId: string): Promise<void> {
    const key = shard.key('safety', 'session', sessionId);
    await this.redis.del(key, `${key}:turns`);
  }

  private supportive(
    hash: SessionFields,
    level: SafetyLevel,
    now: number,
    fields: Record<string, string>,
  ): boolean {
    if (level === 'crisis') {
      fields.crisisAt = String(now);
      fields.turnsSinceCrisis = '0';
      return true;
    }
    if (hash.crisisAt === undefined) return false;
    const turns = Number(hash.turnsSinceCrisis ?? 0) + 1;
    fields.turnsSinceCrisis = String(turns);
    const { supportiveTurns, supportiveMs } = this.config.sessionRisk;
    return turns <= supportiveTurns || now - Number(hash.crisisAt) < supportiveMs;
  }

  private disclose(hash: SessionFields, now: number, fields: Record<string, string>): boolean {
    const { enabled, periodMs } = this.config.disclosure;
    if (!enabled) return false;
    if (hash.disclosedAt !== undefined && now - Number(hash.disclosedAt) < periodMs) return false;
    fields.disclosedAt = String(now);
    return true;
  }

  private suggestBreak(hash: SessionFields, now: number, fields: Record<string, string>): boolean {
    const { enabled, afterMs, gapMs } = this.config.breaks;
    const last = hash.lastTurnAt === undefined ? undefined : Number(hash.lastTurnAt);
    const stretchAt =
      last === undefined || now - last > gapMs || hash.stretchAt === undefined
        ? now
        : Number(hash.stretchAt);
    fields.lastTurnAt = String(now);
    fields.stretchAt = String(stretchAt);
    if (!enabled || now - stretchAt < afterMs) return false;
    const breakAt = hash.breakAt === undefined ? undefined : Number(hash.breakAt);
    if (breakAt !== undefined && breakAt >= stretchAt && now - breakAt < afterMs) return false;
    fields.breakAt = String(now);
    return true;
  }

  // Long enough for every period the state measures, from the session's last turn.
  private ttlMs(): number {
    const { sessionRisk, disclosure, breaks } = this.config;
    return (
      Math.max(
        sessionRisk.windowMs,
        sessionRisk.supportiveMs,
        disclosure.periodMs,
        breaks.afterMs + breaks.gapMs,
      ) + 60_000
    );
  }
}

// A turn as the sorted set keeps it: the same turn always gives the same member.
function turnRecord(turn: ScreenedTurn): unknown[] {
  return [turn.runId, turn.level, turn.categories, turn.markers];
}

function parseTurn(member: string, at: number): ScreenedTurn | undefined {
  try {
    const [runId, level, categories, markers] = JSON.parse(member) as [
      string,
      SafetyLevel,
      SafetyCategory[],
      RiskMarker[],
    ];
    return { runId, level, categories, markers, at };
  } catch {
    return undefined;
  }
}

import { createHash } from 'node:crypto';
import {
  llmCallsKey,
  PayloadCodec,
  type QueueNames,
  type RedisClient,
  type TaskUsage,
} from '@tta/core';
import type { LlmCompletion, LlmRequest } from './llm-provider';

/** Options of {@link LlmCallMemo}. */
export interface LlmCallMemoOptions {
  /** Where memoized calls are kept: the connection of the cost ledger. */
  redis: RedisClient;
  /** Key names of the deployment (the control shard). */
  names: QueueNames;
  /**
   * Seals each memoized response (the model's words are player content): with encryption on,
   * the stored text is an envelope. Default: plain.
   */
  codec?: PayloadCodec;
  /** How long a completed call is kept for a later run of its task, in ms. Default: 3,600,000 (1 h). */
  ttlMs?: number;
}

/** A call a task completed, as a later run of the task gets it back. */
export interface MemoizedCall {
  completion: LlmCompletion;
  /** What the call cost when it was made (already in the ledger). */
  usage: TaskUsage;
}

interface StoredCall {
  text: unknown;
  model: string;
  usage: TaskUsage;
}

/**
 * The model calls that tasks completed, by task and call, so that a task that runs again (after
 * a Redis stall outlived its lock, or its agent died) gets the responses of its earlier run
 * instead of calling the model and paying again. A call is named by a hash of its request and
 * how many equal requests the run made before it ({@link LlmCallIds}); the calls of a task are
 * the fields of one hash (`llmCallsKey`), kept `ttlMs` after the task's last call and removed
 * with the task's session on erasure. An entry is written in the same step as the call's cost
 * (`CostLedger.record` with `once`), so a call is memoized exactly when it is counted.
 */
export class LlmCallMemo {
  /** How long an entry is kept, in ms. */
  readonly ttlMs: number;
  private readonly codec: PayloadCodec;

  constructor(private readonly options: LlmCallMemoOptions) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs <= 0) {
      throw new TypeError('LlmCallMemo: ttlMs must be a positive integer');
    }
    this.codec = options.codec ?? PayloadCodec.plain();
  }

  /** The hash of the calls of task `taskId`, by call id: `<prefix>:llm:calls:<taskId>`. */
  key(taskId: string): string {
    return llmCallsKey(this.options.names, taskId);
  }

  /** The call as stored: its text sealed by the codec. */
  encode(call: MemoizedCall): string {
    const stored: StoredCall = {
      text: this.codec.encodeValue(call.completion.text),
      model: call.completion.model,
      usage: call.usage,
    };
    return JSON.stringify(stored);
  }

  /** The call `callId` of task `taskId`, when an earlier run completed it. */
  async recall(taskId: string, callId: string): Promise<MemoizedCall | undefined> {
    const raw = await this.options.redis.hget(this.key(taskId), callId);
    if (raw === null) return undefined;
    const stored = JSON.parse(raw) as StoredCall;
    const text = this.codec.decode(stored.text);
    const { inputTokens, outputTokens } = stored.usage;
    return {
      completion: {
        text: String(text),
        model: stored.model,
        usage: { inputTokens, outputTokens },
      },
      usage: stored.usage,
    };
  }

  /** Keeps a call when no cost ledger records it (the ledger otherwise writes the entry). */
  async store(taskId: string, callId: string, call: MemoizedCall): Promise<void> {
    const key = this.key(taskId);
    await this.options.redis
      .multi()
      .hsetnx(key, callId, this.encode(call))
      .pexpire(key, this.ttlMs)
      .exec();
  }
}

/**
 * Names the calls of one run of a task: a hash of the request (model, tier, messages, limits)
 * and the number of equal requests before it in the run, so that the n-th call of a run maps to
 * the n-th equal call of an earlier run.
 */
export class LlmCallIds {
  private readonly seen = new Map<string, number>();

  /** The id of the next call with `request`. */
  next(request: LlmRequest): string {
    const hash = requestHash(request);
    const n = this.seen.get(hash) ?? 0;
    this.seen.set(hash, n + 1);
    return `${hash}:${n}`;
  }
}

function requestHash(request: LlmRequest): string {
  const { model, tier, messages, maxTokens, temperature } = request;
  const canonical = JSON.stringify([
    model ?? null,
    tier ?? null,
    messages.map((m) => [m.role, m.content]),
    maxTokens ?? null,
    temperature ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

import {
  parseOrThrow,
  type PayloadCodec,
  UnknownCapabilityError,
  ValidationError,
  type QueueNames,
  type RedisClient,
} from '@tta/core';
import { builtInCapabilitySchemas, type BuiltInCapability } from '@tta/contracts';
import {
  defineAgent,
  type AgentTask,
  type ResolvedAgentDefinition,
  type TaskContext,
} from '@tta/agent-sdk';
import { parseInput } from './input/parse-input';
import { applyIntent } from './world/apply-intent';
import { createWorldSnapshotTool, WORLD_SNAPSHOT_TOOL } from './world/world-snapshot-tool';
import { WorldStore } from './world/world-store';

/** Options of {@link createWorldBuilder}. */
export interface WorldBuilderOptions {
  /** Redis connection the worlds are kept on (shared; not closed by the agent). */
  redis: RedisClient;
  /** Key names: a session's world lives at `names.key('world', sessionId)`. */
  names: QueueNames;
  /** A session's world expires after this long without a read or update. Default: 7 days. */
  sessionTtlMs?: number;
  /** Attempts of an update that keeps losing races to concurrent ones. Default: 50. */
  maxUpdateAttempts?: number;
  /** Jobs run at once per process. Default: 32. */
  concurrency?: number;
  /** Seals the stored worlds and task results when encryption is on. Default: plain. */
  codec?: PayloadCodec;
}

const CAPABILITIES = ['world.update', 'world.read'] as const satisfies BuiltInCapability[];

function sessionOf(task: AgentTask): string {
  if (task.sessionId === undefined) {
    throw new ValidationError([
      { path: 'sessionId', message: `${task.capability} needs a session id` },
    ]);
  }
  return task.sessionId;
}

async function updateWorld(store: WorldStore, task: AgentTask, ctx: TaskContext) {
  const input = parseOrThrow(builtInCapabilitySchemas['world.update'].input, task.input, 'input');
  const sessionId = sessionOf(task);
  const intent = input.intent ?? parseInput(input.text ?? '').intent;
  const { world, version, changes, applied, attempts } = await store.update(
    sessionId,
    (current) => applyIntent(current.world, intent),
    { expectedVersion: input.expectedVersion, signal: ctx.signal, taskId: task.id },
  );
  ctx.log.debug('world updated', { verb: intent.verb, version, applied, attempts });
  return { world, version, changes, applied };
}

// Through the world.snapshot tool, so the tool policy of the world-builder governs it.
async function readWorld(task: AgentTask, ctx: TaskContext) {
  parseOrThrow(builtInCapabilitySchemas['world.read'].input, task.input, 'input');
  return ctx.tools.call(WORLD_SNAPSHOT_TOOL, { sessionId: sessionOf(task) });
}

/**
 * The `world-builder` agent: keeps each session's world state in Redis. `world.update`
 * applies an intent (or parses `text` into one) as one versioned turn; `world.read` returns
 * the world, creating the starting world for a new session, through its `world.snapshot` tool.
 */
export function createWorldBuilder(options: WorldBuilderOptions): ResolvedAgentDefinition {
  const store = new WorldStore({
    redis: options.redis,
    names: options.names,
    sessionTtlMs: options.sessionTtlMs,
    maxUpdateAttempts: options.maxUpdateAttempts,
    ...(options.codec && { codec: options.codec }),
  });
  return defineAgent({
    type: 'world-builder',
    capabilities: [...CAPABILITIES],
    concurrency: options.concurrency ?? 32,
    tools: [createWorldSnapshotTool(store)],
    handler: async (task, ctx) => {
      ctx.signal.throwIfAborted();
      switch (task.capability) {
        case 'world.update':
          return updateWorld(store, task, ctx);
        case 'world.read':
          return readWorld(task, ctx);
        default:
          throw new UnknownCapabilityError(task.capability, CAPABILITIES);
      }
    },
  });
}

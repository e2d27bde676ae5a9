import type { MetricsRegistry, PayloadCodec, QueueNames, RedisClient } from '@tta/core';
import type { ResolvedAgentDefinition } from '@tta/agent-sdk';
import { createInputProcessor } from './input-processor';
import { createNarrativeGenerator } from './narrative-generator';
import type { SafetyLexicon } from './safety/lexicon/screen-lexicon';
import { createWorldBuilder } from './world-builder';

/** What the built-in agents need from the process that runs them. */
export interface BuiltInAgentDependencies {
  /** Redis connection for agents that keep state (the world builder); not closed by them. */
  redis: RedisClient;
  /** Key and queue names of the deployment. */
  names: QueueNames;
  /** The safety lexicon (see `loadSafetyLexicon`). */
  lexicon: SafetyLexicon;
  /** Idle time after which a session's world expires. Default: 7 days. */
  sessionTtlMs?: number;
  /** Jobs run at once per process. Default: 32. */
  concurrency?: number;
  /** The process's metrics registry, for agents that count domain events (safety screens). Default: none. */
  metrics?: MetricsRegistry;
  /** The payload codec, for agents that keep player-derived state (the world builder). Default: plain. */
  codec?: PayloadCodec;
}

/** Builds one built-in agent from the process's dependencies. */
export type BuiltInAgentFactory = (deps: BuiltInAgentDependencies) => ResolvedAgentDefinition;

/** The built-in agent types: `builtInAgents[type](deps)` gives that agent's definition. */
export const builtInAgents = {
  'input-processor': (deps) =>
    createInputProcessor({
      lexicon: deps.lexicon,
      concurrency: deps.concurrency,
      metrics: deps.metrics,
    }),
  'world-builder': (deps) =>
    createWorldBuilder({
      redis: deps.redis,
      names: deps.names,
      sessionTtlMs: deps.sessionTtlMs,
      concurrency: deps.concurrency,
      codec: deps.codec,
    }),
  'narrative-generator': (deps) => createNarrativeGenerator({ concurrency: deps.concurrency }),
} as const satisfies Record<string, BuiltInAgentFactory>;

/** A built-in agent type. */
export type BuiltInAgentType = keyof typeof builtInAgents;

/** Whether `type` names a built-in agent. */
export function isBuiltInAgentType(type: string): type is BuiltInAgentType {
  return Object.prototype.hasOwnProperty.call(builtInAgents, type);
}

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineAgent, type AgentDefinition, type ResolvedAgentDefinition } from '@tta/agent-sdk';
import { ConfigError, toError } from '@tta/core';
import {
  builtInAgents,
  isBuiltInAgentType,
  type BuiltInAgentDependencies,
} from './built-in-agents';

/** Options of {@link loadAgent}. */
export interface LoadAgentOptions {
  /** For an agent type that is not built in: its module (`agents.<type>.module` in config). */
  module?: string;
  /** Directory a relative module path is resolved against (the config directory). */
  baseDir: string;
}

/** What an agent module exports: `createAgent(deps)` returning its definition. */
export interface AgentModule {
  createAgent(deps: BuiltInAgentDependencies): AgentDefinition;
}

/**
 * The definition of an agent type: a built-in one, or one from the module config names, so an
 * operator adds an agent type without changing this code. Throws {@link ConfigError} when the
 * type is unknown or its module does not export `createAgent`.
 */
export async function loadAgent(
  type: string,
  deps: BuiltInAgentDependencies,
  options: LoadAgentOptions,
): Promise<ResolvedAgentDefinition> {
  if (isBuiltInAgentType(type) && options.module === undefined) return builtInAgents[type](deps);
  if (options.module === undefined) {
    const known = Object.keys(builtInAgents).join(', ');
    throw new ConfigError(
      `unknown agent type '${type}': built-in types are ${known}; others need agents.${type}.module`,
    );
  }
  const file = path.resolve(options.baseDir, options.module);
  let loaded: Partial<AgentModule> & { default?: Partial<AgentModule> };
  try {
    // A dynamic import loads CommonJS and ES modules alike.
    loaded = (await import(pathToFileURL(file).href)) as typeof loaded;
  } catch (err) {
    throw new ConfigError(
      `agents.${type}.module: cannot load ${file}: ${toError(err).message}`,
      err,
    );
  }
  const createAgent = loaded.createAgent ?? loaded.default?.createAgent;
  if (typeof createAgent !== 'function') {
    throw new ConfigError(`agents.${type}.module: ${file} does not export createAgent(deps)`);
  }
  const definition = defineAgent(createAgent(deps));
  if (definition.type !== type) {
    throw new ConfigError(`agents.${type}.module: it defines agent type '${definition.type}'`);
  }
  return definition;
}

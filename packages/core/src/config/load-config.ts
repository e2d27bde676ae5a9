import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors/config-error';
import { toError } from '../errors/to-error';
import {
  agentTypesSchema,
  capabilityCatalogSchema,
  type AgentTypeConfig,
  type CapabilityConfig,
} from './catalog-schema';
import { apiListenerProblem } from './api-config-schema';
import { createConfigSchema, type RawConfig } from './config-schema';
import { llmModelsSchema, type LlmModelConfig, type LlmProviderKind } from './llm-config-schema';

/** Deeply read-only. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Keys whose convict format is a list of values, with the literal types convict loses. */
interface EnumKeys {
  env: 'production' | 'development' | 'test';
  log: { level: 'error' | 'warn' | 'info' | 'debug'; format: 'json' | 'pretty' };
  routing: Omit<RawConfig['routing'], 'noLiveAgent'> & { noLiveAgent: 'queue' | 'refuse' };
  llm: Omit<RawConfig['llm'], 'provider'> & { provider: LlmProviderKind };
}

/** The validated, frozen configuration every process receives. */
export type AppConfig = DeepReadonly<
  Omit<RawConfig, keyof EnumKeys> &
    EnumKeys & {
      /** The capability catalog: capability name to the agent type serving it and task defaults. */
      capabilities: Record<string, CapabilityConfig>;
      /** Agent types: name to whether and how many run. */
      agents: Record<string, AgentTypeConfig>;
      /** LLM settings; `models`: model name to its tier and prices. */
      llm: { models: Record<string, LlmModelConfig> };
      /** Absolute path of the directory the config files came from. */
      configDir: string;
    }
>;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Directory of default.json and <env>.json. Default: `TTA_CONFIG_DIR`, else the repository's `config/`. */
  configDir?: string;
  /** Environment variables to read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Values applied over the files and the environment (tests, embedding). */
  overrides?: Record<string, unknown>;
}

const REPO_CONFIG_DIR = path.resolve(__dirname, '../../../../config');
const MAP_KEYS = { capabilities: 'TTA_CAPABILITIES', agents: 'TTA_AGENTS' } as const;
const LLM_MODELS_VARIABLE = 'TTA_LLM_MODELS';

/**
 * Loads `default.json`, then `<env>.json`, then environment variables, then `overrides`,
 * validates strictly and returns a frozen object. Throws {@link ConfigError} with one line
 * naming the key and the reason.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const configDir = path.resolve(options.configDir ?? env.TTA_CONFIG_DIR ?? REPO_CONFIG_DIR);
  try {
    const schema = createConfigSchema(env);
    const files = ['default.json', `${String(schema.get('env'))}.json`]
      .map((name) => path.join(configDir, name))
      .filter((file) => existsSync(file))
      .map(readJsonFile);
    // The capability and agent-type maps have dotted keys that convict cannot hold: they are
    // merged and validated here, convict takes the rest (and applies the environment over it).
    const merged = [...files, mapsFromEnv(env), options.overrides ?? {}].reduce(deepMerge, {});
    const { capabilities = {}, agents = {}, ...rest } = merged;
    const [convictValues, models] = takeLlmModels(rest);
    schema.load(convictValues);
    // convict's load() applies the environment again over what it loads: set() does not.
    for (const [key, value] of leaves(withoutMaps(options.overrides ?? {}))) schema.set(key, value);
    schema.validate({ allowed: 'strict' });
    // validate() has checked every enum key against its list of values.
    const properties = schema.getProperties() as Omit<RawConfig, keyof EnumKeys> & EnumKeys;
    const listenerProblem = apiListenerProblem(properties.api);
    if (listenerProblem !== undefined) {
      throw new ConfigError(`invalid configuration: ${listenerProblem}`);
    }
    const { webhooks } = properties.safety;
    if (webhooks.urls.length > 0 && webhooks.secret === '') {
      throw new ConfigError(
        'invalid configuration: safety.webhooks.secret (TTA_SAFETY_WEBHOOK_SECRET): required when safety.webhooks.urls are set',
      );
    }
    return deepFreeze({
      ...properties,
      capabilities: parseMap('capabilities', capabilityCatalogSchema, capabilities),
      agents: parseMap('agents', agentTypesSchema, agents),
      llm: { ...properties.llm, models: parseMap('llm.models', llmModelsSchema, models) },
      configDir,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`invalid configuration: ${firstLine(err)}`, err);
  }
}

function mapsFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(MAP_KEYS)) {
    const value = jsonVariable(env, key, name);
    if (value !== undefined) out[key] = value;
  }
  const models = jsonVariable(env, 'llm.models', LLM_MODELS_VARIABLE);
  if (models !== undefined) out.llm = { models };
  return out;
}

function jsonVariable(env: NodeJS.ProcessEnv, key: string, name: string): unknown {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${key} (from ${name}): not valid JSON`, err);
  }
}

// `llm.models` is a map with dotted keys (model names), kept out of convict as the catalog is.
function takeLlmModels(values: Record<string, unknown>): [Record<string, unknown>, unknown] {
  const { llm, ...rest } = values;
  if (!isPlainObject(llm)) return [llm === undefined ? rest : values, {}];
  const { models = {}, ...settings } = llm;
  return [{ ...rest, llm: settings }, models];
}

function withoutMaps(values: Record<string, unknown>): Record<string, unknown> {
  const { capabilities: _capabilities, agents: _agents, ...rest } = values;
  return takeLlmModels(rest)[0];
}

function leaves(values: Record<string, unknown>, at = ''): Array<[string, unknown]> {
  return Object.entries(values).flatMap(([key, value]): Array<[string, unknown]> => {
    const name = at ? `${at}.${key}` : key;
    return isPlainObject(value) ? leaves(value, name) : [[name, value]];
  });
}

function parseMap<T>(key: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = [key, ...(issue?.path ?? []).map(String)].join('.');
  throw new ConfigError(`invalid configuration: ${where}: ${issue?.message ?? 'invalid'}`);
}

function readJsonFile(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${file}: ${toError(err).message}`, err);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function firstLine(err: unknown): string {
  const text = toError(err).message;
  return (text.split('\n').find((line) => line.trim() !== '') ?? 'invalid').trim();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * {@link loadConfig} for a process's `main`: on invalid config, prints the one-line reason
 * to stderr and exits with code 2.
 */
export function loadConfigOrExit(options: LoadConfigOptions = {}): AppConfig {
  try {
    return loadConfig(options);
  } catch (err) {
    process.stderr.write(`${toError(err).message}\n`);
    process.exit(2);
  }
}

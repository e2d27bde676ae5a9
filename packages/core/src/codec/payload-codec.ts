import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors/config-error';
import type { AppConfig } from '../config/load-config';
import { isEnvelope, type Envelope } from './envelope';
import { IvPool } from './iv-pool';

/** One key of the codec: its id (stored with each ciphertext) and 32 bytes. */
export interface CodecKey {
  /** Names the key in each envelope, so that any configured key decrypts what it encrypted. */
  id: string;
  /** The 32 bytes of AES-256. */
  key: Buffer;
}

/** Options of {@link PayloadCodec}. */
export interface PayloadCodecOptions {
  /** Every key that may decrypt; at least one. */
  keys: readonly CodecKey[];
  /** The key that encrypts new data. Default: the last of `keys`. */
  activeKeyId?: string;
  /** Top-level fields of task and run input that are encrypted. */
  inputFields: readonly string[];
  /** Top-level fields of task output that are encrypted. */
  outputFields: readonly string[];
}

const ALGORITHM = 'aes-256-gcm';

/**
 * Envelopes whose plaintext a codec keeps after opening them. The workflow engine decodes a
 * run's state (every step's sealed output) at each stage it decides, so without it the same
 * envelopes are opened again and again in one turn.
 */
const OPENED_CACHE_SIZE = 4096;

/** The active key, ready for ciphers. */
interface SealingKey {
  id: string;
  key: KeyObject;
}

/** What a process logs at start when player content is stored without encryption. */
export const UNENCRYPTED_WARNING =
  'player content is stored UNENCRYPTED at rest (config encryption.enabled is off outside production): set TTA_ENCRYPTION_KEYS to encrypt it';

/**
 * The payload codec of player content at rest, as Temporal's SDK has one: the configured
 * top-level fields of a task's input and output are stored as AES-256-GCM envelopes
 * (`{ $enc, kid, iv, tag, ct }`: the JSON of the value, a fresh 96-bit IV each time, the key's
 * id); whatever holds a key decrypts them for authorised use. Without encryption configured the
 * codec is {@link PayloadCodec.plain}: it leaves data as it is, and still reads envelopes it has
 * keys for.
 */
export class PayloadCodec {
  /** Whether it encrypts new data. */
  readonly encrypts: boolean;
  // Key objects made once: a raw key given to every cipher would be imported each time.
  private readonly byId: ReadonlyMap<string, KeyObject>;
  private readonly active: SealingKey | undefined;
  private readonly ivs = new IvPool();
  /** Plaintext JSON of recently opened envelopes, by the whole envelope; oldest dropped first. */
  private readonly opened = new Map<string, string>();
  private readonly inputFields: readonly string[];
  private readonly outputFields: readonly string[];

  constructor(options: PayloadCodecOptions | undefined) {
    const keys = options?.keys ?? [];
    this.byId = new Map(keys.map((k) => [k.id, createSecretKey(k.key)]));
    const activeId = options?.activeKeyId || keys.at(-1)?.id;
    const activeKey = activeId === undefined ? undefined : this.byId.get(activeId);
    this.active =
      activeKey && activeId !== undefined ? { id: activeId, key: activeKey } : undefined;
    if (options && !this.active) {
      throw new ConfigError(`invalid configuration: encryption.activeKeyId: no key '${activeId}'`);
    }
    this.encrypts = this.active !== undefined;
    this.inputFields = options?.inputFields ?? [];
    this.outputFields = options?.outputFields ?? [];
  }

  /** A codec that encrypts nothing. */
  static plain(): PayloadCodec {
    return new PayloadCodec(undefined);
  }

  /**
   * The codec of config `encryption` (keys from `keys`, then `keysFile` relative to the config
   * directory). Throws {@link ConfigError} with one line when encryption is on without a valid
   * key, and for a key that is not 32 bytes of base64 or an id given twice.
   */
  static fromConfig(config: Pick<AppConfig, 'encryption' | 'env' | 'configDir'>): PayloadCodec {
    const settings = config.encryption;
    const enabled =
      settings.enabled === 'auto' ? config.env === 'production' : settings.enabled === 'true';
    if (!enabled) return PayloadCodec.plain();
    const keys = [...parseKeys(settings.keys, 'encryption.keys')];
    if (settings.keysFile !== '') {
      const file = path.resolve(config.configDir, settings.keysFile);
      keys.push(...parseKeys(readKeysFile(file), `encryption.keysFile (${file})`));
    }
    if (keys.length === 0) {
      throw new ConfigError(
        'invalid configuration: encryption.keys: encryption is on but no key is configured; set TTA_ENCRYPTION_KEYS (or TTA_ENCRYPTION_KEYS_FILE), or TTA_ENCRYPTION_ENABLED=false',
      );
    }
    return new PayloadCodec({
      keys,
      ...(settings.activeKeyId !== '' && { activeKeyId: settings.activeKeyId }),
      inputFields: settings.inputFields,
      outputFields: settings.outputFields,
    });
  }

  /** `input` with its configured fields encrypted (as is when the codec does not encrypt). */
  encodeInput<T extends Record<string, unknown>>(input: T): T {
    return this.encodeFields(input, this.inputFields);
  }

  /** `output` with its configured fields encrypted, when it is an object. */
  encodeOutput<T>(output: T): T {
    if (typeof output !== 'object' || output === null || Array.isArray(output)) return output;
    return this.encodeFields(output as Record<string, unknown>, this.outputFields) as T;
  }

  /**
   * `value` sealed whole in one envelope when the codec encrypts (as is otherwise): for state
   * kept outside jobs that derives from what players said, such as a session's world or a
   * memoized model response.
   */
  encodeValue(value: unknown): unknown {
    return this.active && value !== undefined && !isEnvelope(value)
      ? this.seal(this.active, value)
      : value;
  }

  /**
   * `value` with every envelope in it, at any depth, replaced by what it holds. Throws when an
   * envelope names a key this codec does not have, or does not authenticate.
   */
  decode<T>(value: T): T {
    return mapEnvelopes(value, (envelope) => this.open(envelope)) as T;
  }

  private encodeFields<T extends Record<string, unknown>>(record: T, fields: readonly string[]): T {
    const active = this.active;
    if (!active || fields.length === 0) return record;
    let copy: Record<string, unknown> | undefined;
    for (const field of fields) {
      const value = record[field];
      if (value === undefined || isEnvelope(value)) continue;
      copy ??= { ...record };
      copy[field] = this.seal(active, value);
    }
    return (copy ?? record) as T;
  }

  private seal(key: SealingKey, value: unknown): Envelope {
    const iv = this.ivs.next();
    const cipher = createCipheriv(ALGORITHM, key.key, iv);
    const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return {
      $enc: ALGORITHM,
      kid: key.id,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
  }

  private open(envelope: Envelope): unknown {
    // Keyed by every part of the envelope: only the very same ciphertext, IV, tag and key id
    // (which authenticated before) reads from the cache. Parsed anew each time, so that no two
    // callers share an object.
    const id = `${envelope.kid}.${envelope.iv}.${envelope.tag}.${envelope.ct}`;
    const cached = this.opened.get(id);
    if (cached !== undefined) return JSON.parse(cached) as unknown;
    const key = this.byId.get(envelope.kid);
    if (!key) throw new Error(`payload codec: no key '${envelope.kid}' to decrypt with`);
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(envelope.ct, 'base64')),
      decipher.final(),
    ]).toString('utf8');
    if (this.opened.size >= OPENED_CACHE_SIZE) {
      this.opened.delete(this.opened.keys().next().value as string);
    }
    this.opened.set(id, plain);
    return JSON.parse(plain) as unknown;
  }
}

/** `value` with every envelope in it replaced by `[encrypted]`: for pages and lists. */
export function redactEncrypted<T>(value: T): T {
  return mapEnvelopes(value, () => '[encrypted]') as T;
}

// Copies only what contains an envelope; iterative depth is bounded by the input depth limit.
function mapEnvelopes(value: unknown, replace: (envelope: Envelope) => unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isEnvelope(value)) return replace(value);
  if (Array.isArray(value)) {
    let changed = false;
    const mapped = value.map((item) => {
      const next = mapEnvelopes(item, replace);
      changed ||= next !== item;
      return next;
    });
    return changed ? mapped : value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = mapEnvelopes(item, replace);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

function parseKeys(raw: unknown, where: string): CodecKey[] {
  if (!Array.isArray(raw)) throw new ConfigError(`invalid configuration: ${where}: must be a list`);
  const seen = new Set<string>();
  return raw.map((entry: unknown, i) => {
    const { id, key } = (entry ?? {}) as { id?: unknown; key?: unknown };
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id) || seen.has(id)) {
      throw new ConfigError(`invalid configuration: ${where}[${i}].id: a unique id is required`);
    }
    seen.add(id);
    const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.alloc(0);
    if (bytes.length !== 32) {
      throw new ConfigError(
        `invalid configuration: ${where}[${i}].key: must be 32 bytes, base64 (openssl rand -base64 32)`,
      );
    }
    return { id, key: bytes };
  });
}

function readKeysFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: encryption.keysFile: cannot read ${file} as JSON`,
      err,
    );
  }
}

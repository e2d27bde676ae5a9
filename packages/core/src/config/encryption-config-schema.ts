import convict from 'convict';
import { commaList, jsonList } from './coerce';

// A list of names, as an array in a file or comma-separated in an environment variable.
convict.addFormat({
  name: 'name-list',
  validate(value: unknown) {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
      throw new Error('must be a list of names');
    }
  },
  coerce: commaList,
});

// The keys of config `encryption.keys`: a list in a file, or JSON in TTA_ENCRYPTION_KEYS. The
// codec checks each key (`PayloadCodec.fromConfig`), so that a bad one is named at start.
convict.addFormat({
  name: 'encryption-keys',
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be a JSON list of { id, key }');
  },
  coerce: jsonList,
});

/** Default of config `encryption.inputFields`: the player text, what was parsed from it, world changes. */
export const DEFAULT_ENCRYPTED_INPUT_FIELDS: readonly string[] = ['text', 'intent', 'changes'];

/** Default of config `encryption.outputFields`: parsed text, narrative, world changes. */
export const DEFAULT_ENCRYPTED_OUTPUT_FIELDS: readonly string[] = [
  'text',
  'normalized',
  'intent',
  'changes',
  'passage',
];

/** Convict schema of config `encryption`: the payload codec of player content at rest. */
export const encryptionConfigSchema = {
  enabled: {
    doc: 'Encrypt the configured fields of task input and output at rest (AES-256-GCM): `auto` is on in production (start refuses without a key) and off elsewhere (with a warning).',
    format: ['auto', 'true', 'false'],
    default: 'auto',
    env: 'TTA_ENCRYPTION_ENABLED',
  },
  keys: {
    doc: 'The encryption keys: JSON [{ "id": "k2", "key": "<base64 of 32 bytes>" }]; several for rotation, old ones still decrypt.',
    format: 'encryption-keys',
    default: [] as Array<{ id: string; key: string }>,
    env: 'TTA_ENCRYPTION_KEYS',
    sensitive: true,
  },
  keysFile: {
    doc: 'A JSON file holding the keys as `keys` does (read at start; its keys come after those of `keys`). Empty: none.',
    format: String,
    default: '',
    env: 'TTA_ENCRYPTION_KEYS_FILE',
  },
  activeKeyId: {
    doc: 'The id of the key that encrypts new data. Empty: the last key.',
    format: String,
    default: '',
    env: 'TTA_ENCRYPTION_ACTIVE_KEY_ID',
  },
  inputFields: {
    doc: 'Top-level fields of task and run input that are encrypted (the player text, what was parsed from it, world changes).',
    format: 'name-list',
    default: [...DEFAULT_ENCRYPTED_INPUT_FIELDS],
    env: 'TTA_ENCRYPTION_INPUT_FIELDS',
  },
  outputFields: {
    doc: 'Top-level fields of task output that are encrypted (parsed text, narrative, world changes).',
    format: 'name-list',
    default: [...DEFAULT_ENCRYPTED_OUTPUT_FIELDS],
    env: 'TTA_ENCRYPTION_OUTPUT_FIELDS',
  },
};

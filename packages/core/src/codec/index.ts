/** The payload codec: player content encrypted at rest. */
export { type Envelope, isEnvelope } from './envelope';
export {
  type CodecKey,
  DEFAULT_ENCRYPTED_INPUT_FIELDS,
  DEFAULT_ENCRYPTED_OUTPUT_FIELDS,
  PayloadCodec,
  type PayloadCodecOptions,
  redactEncrypted,
  UNENCRYPTED_WARNING,
} from './payload-codec';

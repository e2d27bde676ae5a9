/** The payload codec: player content encrypted at rest. */
export { type Envelope, isEnvelope } from './envelope';
export {
  type CodecKey,
  PayloadCodec,
  type PayloadCodecOptions,
  redactEncrypted,
  UNENCRYPTED_WARNING,
} from './payload-codec';

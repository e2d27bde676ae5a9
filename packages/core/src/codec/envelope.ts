/** One encrypted value as it is stored: what {@link PayloadCodec} writes in place of a field. */
export interface Envelope {
  /** The algorithm: `aes-256-gcm`. */
  $enc: 'aes-256-gcm';
  /** The id of the key it was encrypted with. */
  kid: string;
  /** The 96-bit IV, base64. */
  iv: string;
  /** The GCM authentication tag, base64. */
  tag: string;
  /** The ciphertext of the value's JSON, base64. */
  ct: string;
}

/** Whether `value` is an {@link Envelope}. */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Envelope>;
  return (
    v.$enc === 'aes-256-gcm' &&
    typeof v.kid === 'string' &&
    typeof v.iv === 'string' &&
    typeof v.tag === 'string' &&
    typeof v.ct === 'string'
  );
}

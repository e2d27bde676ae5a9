import { randomBytes } from 'node:crypto';

/** Bytes of an AES-GCM initialisation vector: 96 bits, as NIST SP 800-38D recommends. */
export const IV_BYTES = 12;

/** IVs drawn from the system's CSPRNG per refill. */
const IVS_PER_REFILL = 512;

/**
 * Random IVs handed out from a buffer filled by the CSPRNG a few hundred at a time: a
 * `randomBytes(12)` call per value costs more than the encryption of a player's sentence.
 * Each IV is as random as one drawn alone, and none is handed out twice.
 */
export class IvPool {
  private pool = Buffer.alloc(0);
  private offset = 0;

  /** The next unused random IV. */
  next(): Buffer {
    if (this.offset + IV_BYTES > this.pool.length) {
      // A new buffer, not a refill: IVs handed out before may still be referenced.
      this.pool = randomBytes(IV_BYTES * IVS_PER_REFILL);
      this.offset = 0;
    }
    const iv = this.pool.subarray(this.offset, this.offset + IV_BYTES);
    this.offset += IV_BYTES;
    return iv;
  }
}

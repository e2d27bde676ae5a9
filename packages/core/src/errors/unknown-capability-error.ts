import { AppError } from './app-error';

/** A task names a capability the catalog does not hold. */
export class UnknownCapabilityError extends AppError {
  constructor(capability: string, known: readonly string[]) {
    super('unknown_capability', `unknown capability '${capability}'`, {
      details: { capability, known },
    });
  }
}

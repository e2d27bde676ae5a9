import { AppError } from './app-error';

/** A lifecycle transition that the object's state does not allow. */
export class IllegalStateError extends AppError {
  constructor(what: string, from: string, to: string) {
    super('illegal_state', `${what}: cannot go from '${from}' to '${to}'`, {
      details: { from, to },
    });
  }
}

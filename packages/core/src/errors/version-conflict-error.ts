import { AppError } from './app-error';

/** An optimistic update lost the race: the stored version moved on. */
export class VersionConflictError extends AppError {
  constructor(what: string, expected: number, actual: number) {
    super(
      'version_conflict',
      `${what} changed concurrently (expected version ${expected}, found ${actual})`,
      {
        details: { expected, actual },
      },
    );
  }
}

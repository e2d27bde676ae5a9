import { AppError } from './app-error';

/** Most declared label sets an {@link UnknownRequirementsError} lists in its details. */
const MAX_LISTED = 20;

/**
 * A task requires labels that neither config nor any live agent declares for its capability, so
 * no pool queue may be made for it (`422 unknown_requirements`).
 */
export class UnknownRequirementsError extends AppError {
  /**
   * @param capability - the task's capability.
   * @param requirements - what the task requires.
   * @param unknown - the pairs of `requirements` no declared label set carries; `{}` when each
   *   is declared but no one set carries them all.
   * @param declared - the label sets declared for the capability (the first 20 are listed).
   */
  constructor(
    capability: string,
    requirements: Record<string, string>,
    unknown: Record<string, string>,
    declared: ReadonlyArray<Record<string, string>>,
  ) {
    const pairs = (labels: Record<string, string>) =>
      Object.entries(labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ');
    const what =
      Object.keys(unknown).length > 0
        ? `unknown label ${pairs(unknown)}`
        : `no declared pool carries ${pairs(requirements)} together`;
    super(
      'unknown_requirements',
      `${what} for '${capability}': neither a live agent nor config declares it`,
      {
        details: {
          capability,
          requirements,
          unknown,
          declared: declared.slice(0, MAX_LISTED),
        },
      },
    );
  }
}

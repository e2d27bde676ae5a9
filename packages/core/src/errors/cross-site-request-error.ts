import { AppError } from './app-error';

/** A state-changing browser request that came from another site (a cross-site request forgery). */
export class CrossSiteRequestError extends AppError {
  constructor(origin: string) {
    super('forbidden', `cross-site request refused: it came from '${origin}'`, {
      details: { origin },
    });
  }
}

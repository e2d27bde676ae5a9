import {
  API_OPERATIONS,
  type Operation,
  type OperationId,
  type PathParamsOf,
  type ResponseOf,
} from '@tta/contracts';
import type { RequestHandler, Router } from 'express';

/**
 * The express handler of operation `Id`: its path parameters are typed from the contract, and
 * `res.json()` takes only the answer the contract documents, so an answer that drifts from
 * the OpenAPI document fails the build. The body and query arrive unchecked: the handler
 * parses them with the operation's own schemas.
 */
export type OperationHandler<Id extends OperationId> = RequestHandler<
  PathParamsOf<Id>,
  ResponseOf<Id> extends undefined ? unknown : ResponseOf<Id>,
  unknown
>;

/** Handlers of the operations `Ids`, by `operationId`. */
export type OperationHandlers<Ids extends OperationId> = { [Id in Ids]: OperationHandler<Id> };

/** A handler for every operation of the contract: what the API mounts. */
export type ApiHandlers = OperationHandlers<OperationId>;

/** Options of {@link mountOperations}. */
export interface MountOperationsOptions {
  /** Which operations to mount. Default: all of them. */
  include?: (operation: Operation) => boolean;
}

/**
 * Mounts the operations of the contract table on `router`, each at its method and path with
 * its handler, in the table's order (a fixed path such as `/v1/safety/events/stream` comes
 * before `/v1/safety/events/:id`). Scopes are not checked here but before any route, by the
 * access control, from the same table.
 */
export function mountOperations(
  router: Router,
  handlers: ApiHandlers,
  options: MountOperationsOptions = {},
): void {
  const byId = handlers as unknown as Readonly<Record<string, RequestHandler>>;
  for (const operation of API_OPERATIONS) {
    if (options.include && !options.include(operation)) continue;
    const handler = byId[operation.operationId];
    if (!handler) throw new Error(`no handler for operation ${operation.operationId}`);
    switch (operation.method) {
      case 'GET':
        router.get(operation.path, handler);
        break;
      case 'POST':
        router.post(operation.path, handler);
        break;
      case 'DELETE':
        router.delete(operation.path, handler);
        break;
    }
  }
}

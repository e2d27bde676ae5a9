import type { OperationHandlers } from './operation-handlers';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/openapi-document';

/** Options of {@link openApiHandlers}. */
export interface OpenApiRoutesOptions {
  /** The document served. Default: {@link buildOpenApiDocument} of the API's routes. */
  document?: OpenApiDocument;
}

/** `GET /openapi.json`: the OpenAPI 3.1 document of the API, built once when mounted. */
export function openApiHandlers(
  options: OpenApiRoutesOptions = {},
): OperationHandlers<'getOpenApiDocument'> {
  const document = options.document ?? buildOpenApiDocument();
  return {
    getOpenApiDocument: (_req, res) => {
      res.json(document);
    },
  };
}

import { Router } from 'express';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/openapi-document';

/** Options of {@link openApiRoutes}. */
export interface OpenApiRoutesOptions {
  /** The document served. Default: {@link buildOpenApiDocument} of the API's routes. */
  document?: OpenApiDocument;
}

/** `GET /openapi.json`: the OpenAPI 3.1 document of the API, built once when mounted. */
export function openApiRoutes(options: OpenApiRoutesOptions = {}): Router {
  const document = options.document ?? buildOpenApiDocument();
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}

import { z } from 'zod';
import type { ApiOperation } from '../operation';
import { healthSchema, readinessQuerySchema } from '../schemas/system';

const health = { name: 'Health', schema: healthSchema };

/** Health, readiness and this document. */
export const SYSTEM_OPERATIONS = [
  {
    method: 'GET',
    path: '/healthz',
    scope: 'public',
    operationId: 'getHealth',
    tag: 'system',
    summary: 'Liveness: 200 while the process serves requests, Redis or not',
    readsRedis: false,
    response: { status: 200, description: 'alive', body: health },
  },
  {
    method: 'GET',
    path: '/readyz',
    scope: 'admin',
    operationId: 'getReadiness',
    tag: 'system',
    summary: 'Readiness: 200 when Redis answers PING in time and has memory for new work, else 503',
    description:
      '503 `redis_unavailable` when Redis does not answer PING in time; 503 `capacity` while Redis is above config `admission.memoryHighWatermark` of its `maxmemory` (new work is refused then), unless `capacity=ignore`.',
    query: readinessQuerySchema,
    readsRedis: true,
    response: { status: 200, description: 'ready', body: health },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    scope: 'admin',
    operationId: 'getOpenApiDocument',
    tag: 'system',
    summary: 'This document: OpenAPI 3.1, generated from the schemas the routes validate with',
    readsRedis: false,
    response: {
      status: 200,
      description: 'the OpenAPI document',
      body: { name: 'OpenApiDocument', schema: z.record(z.string(), z.unknown()) },
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    scope: 'admin',
    operationId: 'getMetrics',
    tag: 'system',
    summary: "The API's Prometheus metrics (`tta_*`), queue depths and agents as of the scrape",
    readsRedis: false,
    response: {
      status: 200,
      description: 'Prometheus text exposition format',
      contentType: 'text/plain',
    },
  },
] as const satisfies readonly ApiOperation[];

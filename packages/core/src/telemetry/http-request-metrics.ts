import { Histogram, type Registry } from 'prom-client';
import { reuseMetric } from './metrics';

/** The `route` label of a request that matched no route (a 404, or one refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/** One answered HTTP request, as the metrics label it. */
export interface HttpRequestSample {
  /** The request method, e.g. `GET`. */
  method: string;
  /** The route pattern that matched (`/v1/tasks/:id`, never the path with its ids), else {@link UNMATCHED_ROUTE}. */
  route: string;
  /** The response status code. */
  status: number;
  /** From the request's arrival to the end of its response (or its connection), in ms. */
  durationMs: number;
}

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The API's request metric `tta_http_request_duration_seconds{method,route,status}`: a
 * histogram whose labels stay few because `route` is a pattern.
 */
export class HttpRequestMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(metrics: Registry) {
    this.duration = reuseMetric(
      metrics,
      'tta_http_request_duration_seconds',
      () =>
        new Histogram({
          name: 'tta_http_request_duration_seconds',
          help: 'HTTP requests by method, route pattern (unmatched for none) and status: time to the end of the response (event streams: their whole life)',
          labelNames: ['method', 'route', 'status'],
          buckets: BUCKETS,
          registers: [metrics],
        }),
    );
  }

  /** Records one answered request. */
  observe(sample: HttpRequestSample): void {
    this.duration.observe(
      { method: sample.method, route: sample.route, status: String(sample.status) },
      Math.max(0, sample.durationMs) / 1000,
    );
  }
}

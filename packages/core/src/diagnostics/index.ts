/**
 * Diagnostics: the system's gauges, the diagnostics report, and the small HTTP server of `/metrics`
 * and `/healthz`.
 */
export {
  type DiagnosticsReport,
  type DiagnosticsReportOptions,
  readDiagnosticsReport,
} from './diagnostics-report';
export {
  type DiagnosticsServer,
  type DiagnosticsServerOptions,
  startDiagnosticsServer,
} from './diagnostics-server';
export { registerSystemGauges, type SystemGaugesOptions } from './system-gauges';

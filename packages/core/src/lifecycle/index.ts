/**
 * Lifecycle: the states of long-lived objects, closing resources, and a process's shutdown signals.
 */
export {
  closeAll,
  handleShutdownSignals,
  Lifecycle,
  type LifecycleState,
  type ShutdownOptions,
} from './lifecycle';
export {
  type LaunchedScript,
  ProcessLauncher,
  type ProcessLauncherEvents,
  type ProcessLauncherOptions,
} from './process-launcher';
export {
  RestartBackoff,
  type RestartBackoffOptions,
  type RestartDecision,
  resolveRestartBackoffOptions,
  type ResolvedRestartBackoffOptions,
} from './restart-backoff';
export { stopChild } from './stop-child';

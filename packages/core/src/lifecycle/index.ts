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

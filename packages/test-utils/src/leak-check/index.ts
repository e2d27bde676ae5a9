export { LeakCheck, formatLeaks, type Leak, type LeakCheckOptions } from './leak-check';
export { TimerTracker, type PendingTimer } from './timer-tracker';

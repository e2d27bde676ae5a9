/**
 * Supervision: the supervisor (dead agents, dead letters, local workers) and who leads among
 * supervisors.
 */
export { Supervisor, type SupervisorEvents, type SupervisorOptions } from './supervisor';
export { readSupervisorLeader } from './supervisor-leader';

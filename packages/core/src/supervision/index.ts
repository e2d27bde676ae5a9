/**
 * Supervision: the supervisor (dead agents and their jobs, dead letters, local workers) and who leads among
 * supervisors.
 */
export { type DeadAgent, DeadAgentJobs, type DeadAgentJobsOptions } from './dead-agent-jobs';
export { Supervisor, type SupervisorEvents, type SupervisorOptions } from './supervisor';
export { readSupervisorLeader } from './supervisor-leader';

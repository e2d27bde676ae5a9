/** Convict schema of config `autoscaler` (see `Autoscaler` and `decideReplicas`). */
export const autoscalerConfigSchema = {
  enabled: {
    doc: 'Whether the leading supervisor scales each agent type between agents.<type>.minReplicas and maxReplicas (which default to its replicas, so nothing changes until they are set).',
    format: Boolean,
    default: false,
    env: 'TTA_AUTOSCALER_ENABLED',
  },
  executor: {
    doc: 'What runs the decided replicas: local (child processes of the supervisor; needs supervisor.localExecutor), external (only publishes tta_autoscaler_desired_replicas for KEDA, see deploy/k8s) or compose (docker compose up --scale, see autoscaler.compose).',
    format: ['local', 'external', 'compose'],
    default: 'local',
    env: 'TTA_AUTOSCALER_EXECUTOR',
  },
  compose: {
    run: {
      doc: 'Whether the compose executor runs `docker compose` (needs the Docker CLI and socket) or only logs the exact command.',
      format: Boolean,
      default: false,
      env: 'TTA_AUTOSCALER_COMPOSE_RUN',
    },
    file: {
      doc: 'Compose file passed as -f; empty for compose’s default.',
      format: String,
      default: '',
      env: 'TTA_AUTOSCALER_COMPOSE_FILE',
    },
    project: {
      doc: 'Compose project name passed as -p; empty for compose’s default.',
      format: String,
      default: '',
      env: 'TTA_AUTOSCALER_COMPOSE_PROJECT',
    },
    servicePrefix: {
      doc: 'The compose service of an agent type is this prefix followed by the type.',
      format: String,
      default: 'worker-',
      env: 'TTA_AUTOSCALER_COMPOSE_SERVICE_PREFIX',
    },
  },
  intervalMs: {
    doc: 'Time between decisions.',
    format: 'positive-int',
    default: 1000,
    env: 'TTA_AUTOSCALER_INTERVAL_MS',
  },
  maxStepUp: {
    doc: 'Most replicas one decision adds.',
    format: 'positive-int',
    default: 2,
    env: 'TTA_AUTOSCALER_MAX_STEP_UP',
  },
  scaleDownAfterMs: {
    doc: 'How long the load must allow fewer replicas before one is removed (then the wait starts over).',
    format: 'nat',
    default: 30_000,
    env: 'TTA_AUTOSCALER_SCALE_DOWN_AFTER_MS',
  },
  targetUtilization: {
    doc: 'Share of the replicas’ concurrency meant to be busy (0 to 1, above 0).',
    format: 'fraction',
    default: 0.7,
    env: 'TTA_AUTOSCALER_TARGET_UTILIZATION',
  },
  drainSeconds: {
    doc: 'Seconds in which a backlog should drain.',
    format: 'positive-int',
    default: 10,
    env: 'TTA_AUTOSCALER_DRAIN_SECONDS',
  },
  hysteresis: {
    doc: 'Scale-down headroom: a replica is removed only while ceil(raw × (1 + hysteresis)) is below the current count.',
    format: 'fraction',
    default: 0.2,
    env: 'TTA_AUTOSCALER_HYSTERESIS',
  },
};

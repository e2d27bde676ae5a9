import { execFile } from 'node:child_process';
import type { Logger } from '../telemetry/logger';
import type { ScalingExecutor } from './scaling-executor';

/** Options of {@link ComposeExecutor}. */
export interface ComposeExecutorOptions {
  logger: Logger;
  /** Whether to run the command (Docker must be present) or only log it. Default: false. */
  run?: boolean;
  /** The compose file, passed as `-f`. Default: none (compose finds `docker-compose.yml`). */
  file?: string;
  /** The compose project name, passed as `-p`. Default: none (compose's own default). */
  project?: string;
  /** The Docker command. Default: `docker`. */
  docker?: string;
  /** The compose service of an agent type. Default: `worker-<type>`, as in `docker-compose.yml`. */
  service?: (agentType: string) => string;
  /** How long one `docker compose` may run before it is killed. Default: 120,000 ms. */
  timeoutMs?: number;
}

/**
 * For workers run by Docker Compose: turns each decision into the exact
 * `docker compose up -d --no-deps --no-recreate --scale <service>=<n> <service>` command and
 * logs it, and runs it when `run` is set (the supervisor then needs the Docker CLI and socket).
 * Compose stops surplus containers with SIGTERM and the service's `stop_grace_period`, so a
 * worker scaled away drains first. `actual()` answers the last count compose accepted (or,
 * when only logging, was asked for).
 */
export class ComposeExecutor implements ScalingExecutor {
  private readonly replicas = new Map<string, number>();

  constructor(private readonly options: ComposeExecutorOptions) {}

  /** The command that makes `replicas` workers of `agentType` run, as argv. */
  command(agentType: string, replicas: number): string[] {
    const { file, project, docker = 'docker' } = this.options;
    const service = this.options.service?.(agentType) ?? `worker-${agentType}`;
    return [
      docker,
      'compose',
      ...(file ? ['-f', file] : []),
      ...(project ? ['-p', project] : []),
      'up',
      '-d',
      '--no-deps',
      '--no-recreate',
      '--scale',
      `${service}=${replicas}`,
      service,
    ];
  }

  /** Logs, and when `run` is set runs, the command for `replicas` workers of `agentType`. */
  async setReplicas(agentType: string, replicas: number): Promise<void> {
    const argv = this.command(agentType, replicas);
    const line = argv.join(' ');
    if (!this.options.run) {
      this.options.logger.info('compose: run this to apply the decision', {
        agentType,
        replicas,
        command: line,
      });
      this.replicas.set(agentType, replicas);
      return;
    }
    const [file, ...args] = argv as [string, ...string[]];
    await new Promise<void>((resolve, reject) => {
      execFile(file, args, { timeout: this.options.timeoutMs ?? 120_000 }, (err, _out, stderr) => {
        if (err) reject(new Error(`${line} failed: ${stderr.trim() || err.message}`));
        else resolve();
      });
    });
    this.replicas.set(agentType, replicas);
    this.options.logger.info('compose: scaled', { agentType, replicas, command: line });
  }

  /** The last count per agent type that compose accepted (or was asked for, when only logging). */
  actual(): Record<string, number> {
    return Object.fromEntries(this.replicas);
  }
}

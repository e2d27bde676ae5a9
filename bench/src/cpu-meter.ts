import { readFileSync } from 'node:fs';
import { round } from './stats';

// Linux reports CPU times in clock ticks of USER_HZ, 100 on every mainstream architecture.
const TICKS_PER_SECOND = 100;

/** CPU use over a window, in cores (1 = one core busy all the time). */
export interface CpuUse {
  /** By process label. */
  processes: Record<string, number>;
  /** The whole machine: every process, this bench's and any other. */
  machine: number;
  /** Cores of the machine. */
  cores: number;
}

/** The pids of the bench process and, when the bench started it, Redis: `{ bench, redis }`. */
export function benchPids(redisPid: number | undefined): Record<string, number> {
  return { bench: process.pid, ...(redisPid !== undefined && { redis: redisPid }) };
}

/**
 * Measures CPU use of some processes and of the whole machine between {@link CpuMeter.start}
 * and {@link CpuMeter.stop}, from `/proc` (Linux; elsewhere every figure reads 0).
 */
export class CpuMeter {
  private startedAt = 0;
  private startTicks = new Map<string, number>();
  private startMachine = { busy: 0, total: 0 };

  /** @param pids Process label to pid, e.g. `{ api: 1234 }`. */
  constructor(private readonly pids: Record<string, number>) {}

  /** Starts the window. */
  start(): this {
    this.startedAt = performance.now();
    this.startTicks = new Map(Object.entries(this.pids).map(([k, pid]) => [k, ticksOf(pid)]));
    this.startMachine = machineTicks();
    return this;
  }

  /** Ends the window; CPU use in it. */
  stop(): CpuUse {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const processes: Record<string, number> = {};
    for (const [label, pid] of Object.entries(this.pids)) {
      const ticks = ticksOf(pid) - (this.startTicks.get(label) ?? 0);
      processes[label] = round(ticks / TICKS_PER_SECOND / seconds, 2);
    }
    const machine = machineTicks();
    const total = machine.total - this.startMachine.total;
    const cores = coreCount();
    const busy = total > 0 ? ((machine.busy - this.startMachine.busy) / total) * cores : 0;
    return { processes, machine: round(busy, 2), cores };
  }
}

/** Formats CPU use as `api 0.95, consumer 0.41, … of 2 cores (machine 1.9)`. */
export function describeCpu(use: CpuUse): string {
  const parts = Object.entries(use.processes).map(
    ([label, cores]) => `${label} ${cores.toFixed(2)}`,
  );
  return `${parts.join(', ')}; whole machine ${use.machine.toFixed(2)} of ${use.cores} cores`;
}

// utime + stime of a process, in ticks; 0 when it is gone.
function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

function coreCount(): number {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((l) => /^cpu\d+ /.test(l)).length;
  } catch {
    return 0;
  }
}

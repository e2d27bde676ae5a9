import os from 'node:os';
import type { RedisClient } from '@tta/core';
import { CpuMeter } from '../cpu-meter';
import { round } from '../stats';

/** What the numbers were measured on. */
export interface MachineInfo {
  /** Logical CPUs. */
  cpus: number;
  /** CPU model. */
  model: string;
  /** Total memory, GiB. */
  memoryGiB: number;
  /** Operating system, kernel release and architecture. */
  os: string;
  /** Node.js version. */
  node: string;
  /** Redis server version. */
  redis: string;
  /** Load average (1, 5, 15 min) when the run started. */
  loadAverage: number[];
  /** Cores busy (every process) over the 2 s before the run: how quiet the machine was. */
  busyCoresBefore: number;
}

/** Describes this machine and the Redis server behind `redis`. */
export async function machineInfo(redis: RedisClient): Promise<MachineInfo> {
  const meter = new CpuMeter({}).start();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const busyCoresBefore = meter.stop().machine;
  const server = await redis.info('server');
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redis: /redis_version:(\S+)/.exec(server)?.[1] ?? 'unknown',
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    busyCoresBefore,
  };
}

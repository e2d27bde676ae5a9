import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import express from 'express';
import { createRedisConnection, QueueNames, toError } from '@tta/core';

// The baseline of the HTTP enqueue scenario: the least an HTTP producer on BullMQ does. JSON
// body, one `queue.add`, 202 with the job id; no validation, auth, routing, metrics or logs.
// Its first argument is JSON `{ redisUrl, prefix, capability }`; it reports its port over IPC.

interface BaselineConfig {
  redisUrl: string;
  prefix: string;
  capability: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as BaselineConfig;
  const redis = createRedisConnection({
    url: config.redisUrl,
    role: 'producer',
    name: 'tta-bench-baseline',
  });
  const names = new QueueNames(config.prefix);
  const queue = new Queue(names.capability(config.capability), {
    connection: redis,
    prefix: names.prefix,
  });
  const app = express();
  app.use(express.json());
  app.post('/v1/tasks', async (req, res) => {
    const body = req.body as { capability?: string; input?: unknown };
    const job = await queue.add(config.capability, {
      capability: body.capability,
      input: body.input,
      enqueuedAt: Date.now(),
    });
    res.status(202).json({ id: job.id, status: 'queued' });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void queue
      .close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`baseline producer failed: ${toError(err).stack ?? String(err)}\n`);
  process.exit(1);
});

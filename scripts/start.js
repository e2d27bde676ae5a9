'use strict';
// `npm start`: the whole system on one machine. Finds (or starts) Redis, then runs the API and
// the supervisor, whose local executor starts the configured workers, and restarts either one
// that crashes, with the backoff the supervisor applies to workers (giving up after repeated
// fast crashes). Ctrl-C stops everything; if this launcher is killed, its children notice the
// closed IPC channel and stop too.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entries = {
  api: path.join(root, 'apps/api/dist/main.js'),
  supervisor: path.join(root, 'apps/supervisor/dist/main.js'),
};

function say(line) {
  process.stderr.write(`[start] ${line}\n`);
}

function ensureBuilt() {
  const needed = [...Object.values(entries), path.join(root, 'apps/worker/dist/main.js')];
  if (needed.every((file) => existsSync(file))) return;
  say('building (first run)...');
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say('build failed: fix the errors above, then run npm start again');
    process.exit(1);
  }
}

async function findRedis(core) {
  const configured = process.env.REDIS_URL;
  if (configured) {
    if (await core.pingRedis(configured, 2000)) return { url: configured };
    say(`no Redis answers at REDIS_URL (${core.redactUrl(configured)}): start it or fix REDIS_URL`);
    process.exit(1);
  }
  const local = 'redis://127.0.0.1:6379';
  if (await core.pingRedis(local, 1000)) {
    say(`using the Redis at ${local}`);
    return { url: local };
  }
  if (!core.findRedisServer()) {
    say(
      'no Redis at 127.0.0.1:6379 and no redis-server on PATH: install Redis (e.g. `apt-get install redis-server` or `brew install redis`) or set REDIS_URL',
    );
    process.exit(1);
  }
  const dataDir = path.join(root, '.data', 'redis');
  const server = await core.startLocalRedis({ dataDir, appendOnly: true });
  say(
    `started redis-server at ${server.url} (append-only, data in ${path.relative(root, dataDir)}/)`,
  );
  return { url: server.url, server };
}

async function main() {
  ensureBuilt();
  const core = require('@tta/core');
  const redis = await findRedis(core);
  const env = {
    ...process.env,
    REDIS_URL: redis.url,
    NODE_ENV: process.env.NODE_ENV || 'development',
  };
  const launcher = new core.ProcessLauncher({
    processes: { api: { file: entries.api }, supervisor: { file: entries.supervisor } },
    env,
  });
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    await launcher.stop();
    if (redis.server) await redis.server.stop();
    say('stopped');
    process.exit(code);
  };
  launcher.on('started', (name, pid) => say(`${name} started (pid ${pid})`));
  launcher.on('restarting', (name, exit, delayMs, crashes) =>
    say(
      `${name} crashed (${exit}): restarting it in ${delayMs} ms (crash ${crashes} within the window)`,
    ),
  );
  launcher.on('gaveUp', (name, reason) => {
    say(`${reason}; stopping the rest. See ${name}'s log above for why it failed.`);
    void stopAll(1);
  });
  launcher.start();
  say(`API on http://127.0.0.1:${process.env.PORT || 8080} — Ctrl-C to stop`);

  let signals = 0;
  const onSignal = () => {
    signals += 1;
    if (signals > 1) {
      say('second signal: killing everything');
      launcher.kill();
      process.exit(1);
    }
    void stopAll(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err) => {
  say(`failed: ${err && err.message ? err.message : String(err)}`);
  process.exit(1);
});

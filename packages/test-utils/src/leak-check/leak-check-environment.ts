import path from 'node:path';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { formatLeaks, LeakCheck } from './leak-check';
import { TimerTracker } from './timer-tracker';

/**
 * Jest's node environment plus a leak check: once a test file's tests and all its `afterAll`
 * hooks have run, the file fails if it left open a socket (a Redis connection), a server, a
 * child process or a ref'd timer, naming each. It is an environment and not a setup file
 * because jest-circus runs `afterAll` hooks in the order they were declared, so a setup
 * file's hook would run before the test file's own; the environment sees the end of the
 * root describe block after all of them.
 *
 * What is closing gets a grace period, 2 s by default; a file whose closes take longer by design
 * says so with a docblock pragma at its top, `@leakCheckGraceMs <ms>`, and a comment why.
 * It also sets `TTA_TEST_FILE` in the file's environment, which `createTestRedis` puts into
 * the names of its connections.
 */
export default class LeakCheckEnvironment extends TestEnvironment {
  private readonly testPath: string;
  private readonly graceMs: number | undefined;
  private readonly timers = new TimerTracker();
  private check: LeakCheck | undefined;

  /** Called by jest with the project's config and the test file's context. */
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.testPath = context.testPath;
    const grace = context.docblockPragmas.leakCheckGraceMs;
    this.graceMs = typeof grace === 'string' ? Number(grace) : undefined;
    if (this.graceMs !== undefined && !(this.graceMs >= 0)) {
      throw new Error(
        `${this.testPath}: @leakCheckGraceMs must be a number of ms, not '${String(grace)}'`,
      );
    }
  }

  /** Installs the timer tracking and takes the baseline of open handles. */
  override async setup(): Promise<void> {
    await super.setup();
    this.timers.install(this.global);
    this.global.process.env.TTA_TEST_FILE = path.basename(this.testPath);
    this.check = new LeakCheck({ timers: this.timers, graceMs: this.graceMs });
  }

  /** Runs the check at the end of the file's root describe block. */
  async handleTestEvent(event: Circus.Event, state: Circus.State): Promise<void> {
    if (event.name !== 'run_describe_finish' || event.describeBlock.parent !== undefined) return;
    const leaks = (await this.check?.leaks()) ?? [];
    if (leaks.length === 0) return;
    // Failed, the file must not hold up the run: what it left open no longer keeps Node alive.
    for (const leak of leaks) leak.unref();
    const error = new Error(formatLeaks(path.relative(process.cwd(), this.testPath), leaks));
    // The message is the whole report; a stack would print it a second time.
    error.stack = '';
    state.unhandledErrors.push(error);
  }
}

interface Waiter {
  limit: number;
  wake(): void;
}

/**
 * Counting semaphores by key, whose limit each caller passes (the policy may change it between
 * calls): a caller runs when fewer than its limit hold a slot of its key and no one waits
 * before it; otherwise it waits its turn, or gives up when its signal aborts.
 */
export class ToolSlots {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  /** Slots of `key` held now. */
  held(key: string): number {
    return this.active.get(key) ?? 0;
  }

  /** Resolves with the function that releases the slot once one is free; rejects with the signal's reason if it aborts first. */
  acquire(key: string, limit: number, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    const queue = this.waiting.get(key) ?? [];
    if (queue.length === 0 && this.held(key) < limit) return Promise.resolve(this.take(key));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        queue.splice(queue.indexOf(waiter), 1);
        if (queue.length === 0) this.waiting.delete(key);
        reject(signal.reason as Error);
      };
      const waiter: Waiter = {
        limit,
        wake: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.take(key));
        },
      };
      queue.push(waiter);
      this.waiting.set(key, queue);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(key: string): () => void {
    this.active.set(key, this.held(key) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.held(key) - 1;
      if (left > 0) this.active.set(key, left);
      else this.active.delete(key);
      this.wakeNext(key);
    };
  }

  // Wakes waiters in order while they fit their limit (a raised limit lets several run).
  private wakeNext(key: string): void {
    const queue = this.waiting.get(key) ?? [];
    for (let next = queue[0]; next && this.held(key) < next.limit; next = queue[0]) {
      queue.shift();
      next.wake();
    }
    if (queue.length === 0) this.waiting.delete(key);
  }
}

/**
 * Runs work for one key at a time, in arrival order, within this process. Replicas do not share it:
 * what must hold across processes rests on GitHub itself (compare-and-swap ref updates, the sticky
 * comment's converge-to-oldest), and this only keeps one process from racing itself.
 */
export type KeyedLock = <T>(key: string, work: () => Promise<T>) => Promise<T>;

export function keyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    tails.set(key, next);
    try {
      return await next;
    } finally {
      if (tails.get(key) === next) tails.delete(key);
    }
  };
}

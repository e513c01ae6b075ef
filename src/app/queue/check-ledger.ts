import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Redis } from "ioredis";

/** A check run some job moved to in progress and has not concluded yet. */
export interface OpenCheck {
  installationId: number;
  owner: string;
  repo: string;
  checkRunId: number;
  deliveryId: string;
  since: number;
}

/**
 * The checks in progress, kept where the queue keeps its jobs, so that a start after a crash can
 * conclude those no job will finish. Entries are written when a check goes in progress and removed
 * when it is concluded, by whichever process concludes it.
 */
export interface CheckLedger {
  add(check: OpenCheck): Promise<void>;
  remove(check: Pick<OpenCheck, "owner" | "repo" | "checkRunId">): Promise<void>;
  list(): Promise<OpenCheck[]>;
}

const keyOf = (c: Pick<OpenCheck, "owner" | "repo" | "checkRunId">) => `${c.owner}/${c.repo}/${c.checkRunId}`.toLowerCase();

/** In Redis, shared by every replica (one hash). */
export function redisLedger(redis: Redis, key = "paved:checks-in-progress"): CheckLedger {
  return {
    add: async (check) => void (await redis.hset(key, keyOf(check), JSON.stringify(check))),
    remove: async (check) => void (await redis.hdel(key, keyOf(check))),
    list: async () => Object.values(await redis.hgetall(key)).map((v) => JSON.parse(v) as OpenCheck),
  };
}

/**
 * In memory, mirrored to `file` when given (PAVED_STATE_DIR: an emptyDir survives a container
 * restart), so the in-process queue's next start can conclude what a crash left in progress.
 */
export function localLedger(file?: string): CheckLedger {
  const open = new Map<string, OpenCheck>();
  if (file) {
    try {
      for (const c of JSON.parse(readFileSync(file, "utf8")) as OpenCheck[]) open.set(keyOf(c), c);
    } catch {
      // none yet, or unreadable: nothing to conclude
    }
  }
  const save = () => {
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify([...open.values()]));
    renameSync(`${file}.tmp`, file);
  };
  return {
    add: async (check) => {
      open.set(keyOf(check), check);
      save();
    },
    remove: async (check) => {
      if (open.delete(keyOf(check))) save();
    },
    list: async () => [...open.values()],
  };
}

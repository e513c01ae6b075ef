/**
 * V8's compile cache for the CLI (Node ≥ 22.1: compiled code kept between runs), only in a folder
 * no other account can write. Node's default is one shared folder in the OS temp directory, where
 * another user of the machine could plant compiled code that `paved` would then run with this
 * user's rights (say, write access to production's GitOps repository). Anything doubtful means no
 * cache: it is an optimisation, never a reason to fail.
 */
import { lstatSync, mkdirSync } from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

type Enable = (directory: string) => unknown;

/** Node ≥ 22.1's `module.enableCompileCache` (absent on Node 20, and from Node 20's type definitions). */
const nodeEnable = (module as { enableCompileCache?: Enable }).enableCompileCache;

/** Enables the cache in this user's cache folder and returns it; undefined when it stays off (`enable` null: a Node without the API). */
export function enablePrivateCompileCache(env: NodeJS.ProcessEnv = process.env, enable: Enable | null = nodeEnable ?? null): string | undefined {
  // NODE_COMPILE_CACHE: Node already enabled the folder the user chose, before this code ran.
  if (!enable || env.NODE_DISABLE_COMPILE_CACHE || env.NODE_COMPILE_CACHE) return undefined;
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  const paved = join(base, "paved");
  const directory = join(paved, "node-compile-cache");
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch {
    return undefined; // a read-only home, a file in the way
  }
  if (![base, paved, directory].every(isPrivateFolder)) return undefined;
  enable(directory);
  return directory;
}

/** A real folder (not a link to one), this user's, that no group or other account may write. */
function isPrivateFolder(path: string): boolean {
  try {
    const stat = lstatSync(path);
    if (!stat.isDirectory()) return false;
    // Windows has no uids or mode bits to check: a profile folder is the user's own.
    if (typeof process.getuid !== "function") return true;
    return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

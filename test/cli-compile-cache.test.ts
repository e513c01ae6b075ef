// The CLI's V8 compile cache lives only where no other account can plant compiled code.
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enablePrivateCompileCache } from "../src/cli/compile-cache.js";
import { tempDir } from "./support/cli-world.js";

function enableIn(env: NodeJS.ProcessEnv) {
  const enabled: string[] = [];
  const directory = enablePrivateCompileCache(env, (dir) => enabled.push(dir));
  return { directory, enabled };
}

describe.skipIf(typeof process.getuid !== "function")("the CLI's compile cache", () => {
  it("is enabled in an owner-only folder of the user's cache, created if missing", () => {
    const cache = join(tempDir(), "cache");
    const { directory, enabled } = enableIn({ XDG_CACHE_HOME: cache });
    expect(directory).toBe(join(cache, "paved", "node-compile-cache"));
    expect(enabled).toEqual([directory]);
    expect(statSync(directory!).mode & 0o777).toBe(0o700);
  });

  it("stays off when another account could write the folder or a folder above it", () => {
    for (const shared of ["", "paved", "paved/node-compile-cache"]) {
      const cache = join(tempDir(), "cache");
      mkdirSync(join(cache, "paved", "node-compile-cache"), { recursive: true, mode: 0o700 });
      chmodSync(join(cache, shared), 0o777);
      expect(enableIn({ XDG_CACHE_HOME: cache }), shared || "the cache home").toEqual({ directory: undefined, enabled: [] });
    }
  });

  it("stays off when the folder is a link (it could point anywhere) or a file, without throwing", () => {
    const linked = join(tempDir(), "cache");
    const elsewhere = join(tempDir(), "elsewhere");
    mkdirSync(join(linked, "paved"), { recursive: true, mode: 0o700 });
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(linked, "paved", "node-compile-cache"));
    expect(enableIn({ XDG_CACHE_HOME: linked })).toEqual({ directory: undefined, enabled: [] });

    const blocked = join(tempDir(), "cache");
    mkdirSync(blocked, { mode: 0o700 });
    writeFileSync(join(blocked, "paved"), "not a folder");
    expect(enableIn({ XDG_CACHE_HOME: blocked })).toEqual({ directory: undefined, enabled: [] });
  });

  it("leaves the user's own choice to Node, and honours NODE_DISABLE_COMPILE_CACHE", () => {
    const cache = join(tempDir(), "cache");
    expect(enableIn({ XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: join(cache, "mine") })).toEqual({ directory: undefined, enabled: [] });
    expect(enableIn({ XDG_CACHE_HOME: cache, NODE_DISABLE_COMPILE_CACHE: "1" })).toEqual({ directory: undefined, enabled: [] });
    expect(enablePrivateCompileCache({ XDG_CACHE_HOME: cache }, null)).toBeUndefined(); // Node 20: no such API
  });
});

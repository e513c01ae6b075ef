#!/usr/bin/env node
// The `paved` command: a thin launcher for the CLI that `npm run build` bundles into dist/cli/paved.mjs
// (one module to load instead of the hundreds under dist/cli/main.js: a shorter cold start).
import { enablePrivateCompileCache } from "../dist/cli/compile-cache.js";

// Node ≥ 22.1 keeps V8's compiled code of the bundle between runs, in this user's own cache folder
// (never the shared temp folder, never the user's project); a no-op on Node 20.
enablePrivateCompileCache();
// Imported after enabling the cache, so the bundle's compilation is cached; it sets process.exitCode.
await import("../dist/cli/paved.mjs");

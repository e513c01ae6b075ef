#!/usr/bin/env node
// The `paved` command: a thin launcher for the CLI that `npm run build` bundles into dist/cli/paved.mjs
// (one module to load instead of the hundreds under dist/cli/main.js: a shorter cold start).
await import("../dist/cli/paved.mjs");

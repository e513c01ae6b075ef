#!/usr/bin/env node
// The `paved` command: a thin launcher for the compiled CLI.
import { run } from "../dist/cli/main.js";
import { processIo } from "../dist/cli/process-io.js";

process.exitCode = await run(process.argv.slice(2), processIo());

#!/usr/bin/env node
// The `paved` command: a thin launcher for the compiled CLI.
import { run } from "../dist/cli/main.js";

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
  stdin: process.stdin,
});

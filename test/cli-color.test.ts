/**
 * One colour decision for every CLI verb and the demo (report/ansi.ts wantsColor, made in
 * cli/process-io.ts): colour on a terminal, never with NO_COLOR, forced with FORCE_COLOR. Run through
 * the real launcher, on a real pseudo-terminal (util-linux `script`, in Debian's essential bsdutils).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { wantsColor } from "../src/report/ansi.js";

const ROOT = new URL("..", import.meta.url).pathname;
const LAUNCHER = join(ROOT, "bin/paved.js");
const BROKEN = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    port: 8080\n    memory: 256MB\n";
const ESCAPE = "\u001b[";
const HAS_SCRIPT = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
if (!HAS_SCRIPT) console.warn("skipping the terminal tests: util-linux `script` (Debian bsdutils) is not installed");

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "paved-color-"));
  writeFileSync(join(cwd, "platform.yaml"), BROKEN);
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** The environment without any colour settings of the machine running the tests, plus `extra`. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env;
  return { ...rest, ...extra };
}

/** `paved <args>` with its standard output on a pseudo-terminal, as a person at a terminal runs it. */
function onTerminal(args: string[], extra: Record<string, string> = {}): string {
  const command = [process.execPath, LAUNCHER, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const result = spawnSync("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd, env: env(extra), encoding: "utf8" });
  expect(result.status).toBe(1);
  return result.stdout.replace(/\r\n/g, "\n");
}

function piped(args: string[], extra: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], { cwd, env: env(extra), encoding: "utf8" });
  expect(result.status).toBe(1);
  return result.stdout;
}

describe.skipIf(!HAS_SCRIPT)("`paved validate` on a terminal", () => {
  it("colours the severity and the code frame", () => {
    const out = onTerminal(["validate"]);
    expect(out).toContain(`${ESCAPE}31merror`);
    expect(out.replace(/\u001b\[[0-9;]*m/g, "")).toContain("    7 |     memory: 256MB\n      |             ^\n");
  });

  it("with NO_COLOR=1 writes no escape codes, and still shows the source line", () => {
    const out = onTerminal(["validate"], { NO_COLOR: "1" });
    expect(out).not.toContain("\u001b");
    expect(out).toContain("platform.yaml:7:13: error: ");
    expect(out).toContain("    7 |     memory: 256MB\n      |             ^\n");
  });

  it("NO_COLOR wins over FORCE_COLOR", () => {
    expect(onTerminal(["validate"], { NO_COLOR: "1", FORCE_COLOR: "1" })).not.toContain("\u001b");
  });
});

describe("`paved validate` piped", () => {
  it("is plain text", () => {
    expect(piped(["validate"])).not.toContain("\u001b");
  });

  it("is coloured with FORCE_COLOR=1, and not with FORCE_COLOR=0", () => {
    expect(piped(["validate"], { FORCE_COLOR: "1" })).toContain(`${ESCAPE}31merror`);
    expect(piped(["validate"], { FORCE_COLOR: "0" })).not.toContain("\u001b");
  });
});

describe("wantsColor", () => {
  it("follows no-color.org and force-color.org: present and not empty counts", () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: "0" })).toBe(false);
    expect(wantsColor(true, { NO_COLOR: "" })).toBe(true);
    expect(wantsColor(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(wantsColor(false, { FORCE_COLOR: "" })).toBe(false);
    expect(wantsColor(true, { FORCE_COLOR: "0" })).toBe(false);
    expect(wantsColor(true, { FORCE_COLOR: "false" })).toBe(false);
    expect(wantsColor(false, { FORCE_COLOR: "3", NO_COLOR: "1" })).toBe(false);
  });
});

/**
 * What the CLI reads and how it shows problems: `-` is standard input; a file that is not UTF-8 is
 * refused at its first bad byte with "save as UTF-8"; on a terminal each problem is followed by its
 * source line and a caret under the column (the demo's code frames).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "./support/cli-world.js";

const ROOT = new URL("..", import.meta.url).pathname;
const VALID = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    port: 8080\n";
const BROKEN = VALID.replace("    port: 8080\n", "    port: 8080\n    memory: 256MB\n");
const ANSI = /\u001b\[[0-9;]*m/g;

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "paved-input-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function paved(args: string[], options: { isTTY?: boolean; stdin?: string | Buffer } = {}): Promise<CliResult> {
  return runCli(args, { cwd, ...options });
}

describe("`-` reads the manifest from standard input", () => {
  it("validates what is piped in, naming it <stdin>", async () => {
    const valid = await paved(["validate", "-"], { stdin: VALID });
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^<stdin>: valid \(2 units\)/m);
    const broken = await paved(["validate", "-"], { stdin: BROKEN });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^<stdin>:7:13: error: .*256MB.*256Mi/m);
  });

  it("works through the real launcher and a real pipe", () => {
    const result = spawnSync(process.execPath, [join(ROOT, "bin/paved.js"), "validate", "-"], { cwd, input: BROKEN, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^<stdin>:7:13: error: /m);
  });
});

describe("text that is not UTF-8", () => {
  it("UTF-16 (with or without a byte-order mark): save as UTF-8", async () => {
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, "utf16le")]), Buffer.from(VALID, "utf16le")]) {
      writeFileSync(join(cwd, "platform.yaml"), bytes);
      const result = await paved(["validate"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("platform.yaml:1:1: error: the file is UTF-16, not UTF-8: save the file as UTF-8 (in most editors: File → Save with Encoding → UTF-8) [not-utf8]\n");
    }
  });

  it("a Latin-1 byte: located at its line and column", async () => {
    const latin1 = Buffer.from(VALID.replace("owner: payments\n", "owner: payments\n# caf\u00e9 team\n"), "latin1");
    writeFileSync(join(cwd, "platform.yaml"), latin1);
    const result = await paved(["validate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^platform\.yaml:3:6: error: byte 0xE9 is not UTF-8 .*save the file as UTF-8/);
    // The config is read the same way.
    writeFileSync(join(cwd, "platform.yaml"), VALID);
    writeFileSync(join(cwd, "paved.yml"), Buffer.from("gitops: { repository: acme/gitops }\n# \xe9\n", "latin1"));
    expect((await paved(["validate", "--config", "paved.yml"])).stderr).toMatch(/^paved\.yml:2:3: error: byte 0xE9 is not UTF-8/);
  });
});

describe("code frames on a terminal", () => {
  it("prints the source line and a caret under the column of each problem", async () => {
    writeFileSync(join(cwd, "platform.yaml"), BROKEN);
    const result = await paved(["validate"], { isTTY: true });
    expect(result.stdout.replace(ANSI, "")).toContain("platform.yaml:7:13: error: ");
    expect(result.stdout.replace(ANSI, "").split("\n").slice(1, 3)).toEqual(["    7 |     memory: 256MB", "      |             ^"]);
  });

  it("not when piped, nor in json or github output", async () => {
    writeFileSync(join(cwd, "platform.yaml"), BROKEN);
    expect((await paved(["validate"])).stdout).not.toContain(" | ");
    expect((await paved(["validate", "--format", "json"], { isTTY: true })).stdout).not.toContain(" | ");
    expect((await paved(["validate", "--format", "github"], { isTTY: true })).stdout).not.toContain(" | ");
  });
});

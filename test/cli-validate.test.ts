import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { escapeCommandData, escapeCommandProperty } from "../src/report/workflow-commands.js";
import { exampleConfigText, exampleManifest } from "./manifest-fixtures.js";
import { runCli, type CliResult } from "./support/cli-world.js";

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "paved-cli-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function write(path: string, text: string): void {
  mkdirSync(dirname(join(cwd, path)), { recursive: true });
  writeFileSync(join(cwd, path), text);
}

function paved(...argv: string[]): Promise<CliResult> {
  return runCli(argv, { cwd });
}

const INVALID = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    replica: 2\n";

describe("paved validate", () => {
  it("refuses what render would refuse: a 39-character owner with a 40-character service (issue 11.5)", async () => {
    const owner = "o".repeat(39);
    const service = "s".repeat(40);
    write("platform.yaml", `apiVersion: paved.dev/v1\nowner: ${owner}\nservices:\n  ${service}:\n    image: ghcr.io/acme/api:1.0.0\n`);
    const validate = await paved("validate", "--format", "json");
    expect(validate.code).toBe(1);
    const diagnostics = (JSON.parse(validate.stdout) as { diagnostics: Array<{ code: string; line: number; column: number; message: string }> }).diagnostics;
    expect(diagnostics.filter((d) => d.code !== "production-digest").map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual(["name-too-long@4:3"]);
    expect(diagnostics[0]!.message).toContain("may have at most 51 characters together; shorten them by 28");
    const render = await paved("render", "--out", "out");
    expect(render.code).toBe(1);
  });

  it("exits 0 for the shared example with its config (warnings allowed)", async () => {
    write("platform.yaml", exampleManifest);
    write(".github/paved.yml", exampleConfigText);
    const result = await paved("validate");
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("platform.yaml:9:12: warning: production images should be pinned by digest");
    expect(result.stdout.trimEnd().split("\n").pop()).toBe("platform.yaml: valid (3 units), 1 warning");
  });

  it("prints `file:line:column: error: message [code]` and a summary, exit 1", async () => {
    write("platform.yaml", INVALID);
    const result = await paved("validate");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      "platform.yaml:6:5: error: unknown field `replica`; did you mean `replicas`? [unknown-field]\n1 error\n",
    );
  });

  it("counts errors and warnings", async () => {
    write("platform.yaml", INVALID.replace("replica: 2", "replica: 2\n    memory: 1G"));
    const result = await paved("validate");
    expect(result.stdout.trimEnd().split("\n").pop()).toBe("2 errors");
  });

  it("uses the built-in defaults when there is no .github/paved.yml", async () => {
    write("platform.yaml", exampleManifest);
    const result = await paved("validate");
    expect(result.code).toBe(1); // no dependency catalog in the defaults
    expect(result.stdout).toContain("[unknown-dependency-type]");
  });

  it("takes FILE and --config, printing paths as typed", async () => {
    write("apps/platform.yaml", exampleManifest);
    write("org/paved.yml", exampleConfigText);
    const result = await paved("validate", "apps/platform.yaml", "--config", "org/paved.yml");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("apps/platform.yaml:9:12: warning:");
    expect(result.stdout).toContain("apps/platform.yaml: valid (3 units)");
  });

  it("--format json prints {diagnostics}", async () => {
    write("platform.yaml", INVALID);
    const result = await paved("validate", "--format", "json");
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { diagnostics: Array<Record<string, unknown>> };
    expect(parsed.diagnostics).toEqual([
      {
        severity: "error",
        code: "unknown-field",
        message: "unknown field `replica`; did you mean `replicas`?",
        file: "platform.yaml",
        line: 6,
        column: 5,
        path: "/services/api/replica",
      },
    ]);
  });

  it("--format github prints workflow commands", async () => {
    write("platform.yaml", INVALID);
    const result = await paved("validate", "--format=github");
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")[0]).toBe(
      "::error file=platform.yaml,line=6,col=5,title=Paved%3A unknown-field::unknown field `replica`; did you mean `replicas`?",
    );
  });

  it("escapes workflow commands like the Actions toolkit", () => {
    expect(escapeCommandData("100%\r\ndone")).toBe("100%25%0D%0Adone");
    expect(escapeCommandProperty("a:b,c%")).toBe("a%3Ab%2Cc%25");
  });

  it("config errors fail validation (exit 1) and are printed", async () => {
    write("platform.yaml", exampleManifest);
    write(".github/paved.yml", "render:\n  mode: helm\n");
    const result = await paved("validate");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(".github/paved.yml:2:9: error:");
    expect(result.stdout).toContain("[missing-field]");
  });

  it("a missing manifest is an I/O problem: exit 2 with a clear message", async () => {
    const result = await paved("validate");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("cannot read the manifest `platform.yaml`: no such file");
  });

  it("a missing --config file is exit 2", async () => {
    write("platform.yaml", exampleManifest);
    const result = await paved("validate", "--config", "nope.yml");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read the config `nope.yml`");
  });

  it("usage errors are exit 2", async () => {
    write("platform.yaml", exampleManifest);
    const format = await paved("validate", "--format", "xml");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("`--format` must be one of text, json, github");
    const option = await paved("validate", "--confg", "x");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option `--confg`; did you mean `--config`?");
    const extra = await paved("validate", "a.yaml", "b.yaml");
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("unexpected argument `b.yaml`");
  });
});

describe("paved", () => {
  it("--help lists the commands", async () => {
    const result = await paved("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("validate");
  });

  it("<cmd> --help prints the command's usage", async () => {
    const result = await paved("validate", "--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: paved validate [FILE]");
  });

  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    const result = await paved("--version");
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("an unknown command suggests the nearest, exit 2", async () => {
    const result = await paved("validat");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean `validate`?");
    expect((await paved("constructor")).code).toBe(2);
  });

  it("no command prints help on stderr, exit 2", async () => {
    const result = await paved();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: paved <command>");
  });
});

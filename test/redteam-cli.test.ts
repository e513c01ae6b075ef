/**
 * Red-team regressions found by using the CLI the way users and attackers would: what reaches the
 * terminal, the GitOps folder it writes to, env values as written, and usage edges.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { escapeMarkdown } from "../src/report/escape.js";
import { at, check, onlyError } from "./manifest-fixtures.js";
import { cleanUp, git, isolateGit, paved, tempDir, exampleWorkspace } from "./support/cli-world.js";

beforeAll(isolateGit);
afterEach(cleanUp);

function temp(): string {
  const dir = tempDir("paved-redteam-");
  return dir;
}

/** An application folder with the example manifest and config, and an empty GitOps clone beside it. */
function workspace(): { app: string; gitops: string } {
  const root = temp();
  const { app, gitops } = exampleWorkspace(root);
  git(gitops, "init", "-q", "-b", "main");
  return { app, gitops };
}

describe("validate prints what the manifest says, never acts on it", () => {
  it("control characters and line breaks in a key are shown escaped, one diagnostic per line", async () => {
    const dir = temp();
    writeFileSync(join(dir, "platform.yaml"), 'apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api: { image: ghcr.io/acme/a:1, env: { "\\e]0;pwned\\a\\e[31mRED\\nX\\u202e": 1 } }\n');
    const result = await paved(dir, "validate");
    expect(result.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(result.stdout.split("\n")).toHaveLength(3); // the diagnostic, the summary, the final newline
    expect(result.stdout).toContain("`\\x1b]0;pwned\\x07\\x1b[31mRED\\nX\\u202e` is not a valid name in `env`");
  });
});

describe("env values are the text the author wrote", () => {
  const manifest = [
    "apiVersion: paved.dev/v1",
    "owner: payments",
    "services:",
    "  api:",
    "    image: ghcr.io/acme/a:1",
    "    env: { ZIP: 0123, VERSION: 1.10, BIG: 12345678901234567890, SCI: 1e3, HEX: 0x1F, FLAG: True, INF: .inf, QUOTED: \"0123\", PLAIN: 8080 }",
    "environments:",
    "  production:",
    "    services:",
    "      api: { env: { VERSION: 2.0 } }",
    "",
  ].join("\n");

  it("numbers and booleans keep their spelling (precision, leading zeros, trailing zeros, case)", () => {
    const result = check(manifest);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const staging = result.units.find((u) => u.environment === "staging")!;
    expect(staging.spec.env).toEqual({
      ZIP: "0123",
      VERSION: "1.10",
      BIG: "12345678901234567890",
      SCI: "1e3",
      HEX: "0x1F",
      FLAG: "True",
      INF: ".inf",
      QUOTED: "0123",
      PLAIN: "8080",
    });
    expect(result.units.find((u) => u.environment === "production")!.spec.env.VERSION).toBe("2.0");
  });

  it("and render that way", async () => {
    const dir = temp();
    writeFileSync(join(dir, "platform.yaml"), manifest);
    const result = await paved(dir, "render", "--out", "out", "--gitops-repo", "https://github.com/acme/gitops.git");
    expect(result.code).toBe(0);
    const deployment = readFileSync(join(dir, "out/staging/payments-staging/api/manifests/deployment.yaml"), "utf8");
    for (const value of ["0123", "1.10", "12345678901234567890", "1e3", "0x1F", "True", ".inf"]) {
      expect(deployment).toContain(`value: "${value}"`);
    }
  });

  it("other numbers stay numbers: replicas and port are still checked as numbers", () => {
    const text = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api: { image: ghcr.io/acme/a:1, port: 0x1F90, replicas: 0o2 }\n";
    const result = check(text);
    expect(result.units[0]!.spec.port).toBe(8080);
    expect(result.units[0]!.spec.replicas).toBe(2);
  });
});

describe("YAML merge keys", () => {
  it("are one clear error at the `<<`, not an unknown field and a missing image", () => {
    const text = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  base: &b { image: ghcr.io/acme/a:1 }\n  api:\n    <<: *b\n    port: 80\n";
    const error = onlyError(check(text));
    expect(at(error)).toBe("merge-key@6:5");
    expect(error.message).toContain("merge keys (`<<: *anchor`) are not supported");
  });

  it("a quoted \"<<\" is an ordinary (unknown) key", () => {
    const text = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api: { image: ghcr.io/acme/a:1, \"<<\": 1 }\n";
    expect(at(onlyError(check(text)))).toBe("unknown-field@4:35");
  });
});

describe("--gitops", () => {
  it("a folder inside a repository is refused: nothing is planned or committed at that repository's root", async () => {
    const { app, gitops } = workspace();
    git(gitops, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "start");
    mkdirSync(join(gitops, "clusters/prod"), { recursive: true });
    for (const command of ["plan", "apply"]) {
      const result = await paved(app, command, "--gitops", join(gitops, "clusters/prod"));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`is a folder inside the git repository ${gitops}: --gitops names the top of the GitOps clone`);
      expect(result.stderr).toContain("`gitops.directory`");
    }
    expect(git(gitops, "rev-list", "--count", "HEAD")).toBe("1");
  });

  it("a detached HEAD can be planned; apply says to check out a branch", async () => {
    const { app, gitops } = workspace();
    expect((await paved(app, "apply", "--gitops", gitops)).code).toBe(0);
    git(gitops, "checkout", "-q", "--detach");
    const plan = await paved(app, "plan", "--gitops", gitops);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("✅ no changes");
    writeFileSync(join(app, "platform.yaml"), readFileSync(join(app, "platform.yaml"), "utf8").replace("replicas: 3", "replicas: 4"));
    const apply = await paved(app, "apply", "--gitops", gitops);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain("is detached: check out a branch to apply to");
  });

  it("a missing manifest is not a removal: the message says how a repository's services are removed", async () => {
    const { app, gitops } = workspace();
    rmSync(join(app, "platform.yaml"));
    const result = await paved(app, "plan", "--gitops", gitops);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read the manifest `platform.yaml`: no such file");
    expect(result.stderr).toContain("delete its manifest on the default branch and the Paved App or Action deletes exactly that repository's files");
  });
});

describe("usage", () => {
  it("`paved help` with an unknown command is a usage error, not the general help", async () => {
    const result = await paved(temp(), "help", "valdate");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("paved help: unknown command `valdate`; did you mean `validate`?; see `paved --help`\n");
    expect((await paved(temp(), "help", "plan")).stdout).toContain("Usage: paved plan");
  });
});

describe("mentions in Markdown", () => {
  it("an `@` that could start a mention is broken; one inside a word (an image digest, an address) stays copyable", () => {
    expect(escapeMarkdown("ghcr.io/acme/api@sha256:abc")).toBe("ghcr.io/acme/api@sha256:abc");
    expect(escapeMarkdown("ops@acme.io")).toBe("ops@acme.io");
    expect(escapeMarkdown("@octocat")).toBe("@\u200boctocat");
    expect(escapeMarkdown("cc @acme/platform")).toBe("cc @\u200bacme/platform");
    expect(escapeMarkdown("@@x (@y) \\@z")).toBe("@\u200b@\u200bx (@\u200by) \\\\@\u200bz");
    expect(escapeMarkdown("_@x")).toBe("\\_@x");
  });
});

describe("manifest edges", () => {
  it("a name under both `env` and `secrets` is an error (the container would get the variable twice)", () => {
    const text = [
      "apiVersion: paved.dev/v1",
      "owner: payments",
      "services:",
      "  api:",
      "    image: ghcr.io/acme/a:1",
      "    env: { A: x, B: y }",
      "    secrets: { A: { key: payments/k } }",
      "environments:",
      "  production:",
      "    services:",
      "      api: { secrets: { B: { key: payments/k } } }",
      "",
    ].join("\n");
    const result = check(text);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map(at)).toEqual(["duplicate-env@7:16", "duplicate-env@11:25"]);
    expect(errors[0]!.message).toBe("`A` is set under both `env` and `secrets`, and a container has one variable of that name; keep one of them");
    expect(errors[1]!.message).toContain("in `production`, `B` is set under both");
  });

  it("infinite and NaN numbers are shown as written, not as JSON's `null`", () => {
    const text = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api: { image: ghcr.io/acme/a:1, port: .inf, replicas: .nan }\n";
    const messages = check(text).diagnostics.map((d) => d.message);
    expect(messages).toEqual(["`port` must be a whole number, not a number (`.inf`)", "`replicas` must be a whole number, not a number (`.nan`)"]);
  });
});

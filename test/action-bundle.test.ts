import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "paved-action-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function files(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

// The Action runs the committed bundle: it must be what the current source builds.
it("commits an Action bundle built from the current source (run `npm run build:action`)", () => {
  execFileSync(process.execPath, [join(root, "scripts/build-action.mjs")], { env: { ...process.env, PAVED_ACTION_OUT: out }, stdio: "pipe" });
  const committed = join(root, "action/dist");
  expect(files(committed).sort()).toEqual(files(out).sort());
  for (const file of files(out)) {
    expect(readFileSync(join(committed, file), "utf8"), `action/dist/${file} is stale: run npm run build:action`).toBe(readFileSync(join(out, file), "utf8"));
  }
});

import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../src/plan/blob-sha.js";
import { myersDiff, unifiedDiff, wholeFileDiff } from "../src/plan/diff.js";

describe("gitBlobSha", () => {
  it("is the sha git computes, for any text (UTF-8 byte length counts)", () => {
    for (const text of ["", "hello\n", "ünïcødé ✅ 🚀\n", "no newline", "a\0b"]) {
      const expected = execFileSync("git", ["hash-object", "--stdin"], { input: Buffer.from(text, "utf8") }).toString().trim();
      expect(gitBlobSha(text)).toBe(expected);
    }
  });
});

/** Rebuilds both sides from a diff shown with unlimited context (one hunk holding every line). */
function sides(diff: string): { before: string[]; after: string[]; edits: number } {
  const before: string[] = [];
  const after: string[] = [];
  let edits = 0;
  for (const line of diff.split("\n").slice(3, -1)) {
    if (line.startsWith("\\")) continue;
    const text = line.slice(1);
    if (line[0] !== "+") before.push(text);
    if (line[0] !== "-") after.push(text);
    if (line[0] !== " ") edits++;
  }
  return { before, after, edits };
}

function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

describe("unifiedDiff", () => {
  const lines = fc.array(fc.constantFrom("a", "b", "c", "d", "  x: 1", ""), { maxLength: 40 });
  const limits = { maxLines: 2000, maxEdits: 1000, context: 10_000 };

  it("shows both sides exactly, with a minimal number of edits", () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const before = a.map((l) => `${l}\n`).join("");
        const after = b.map((l) => `${l}\n`).join("");
        const result = unifiedDiff("f.yaml", before, after, limits);
        expect(result.kind).toBe("diff");
        if (result.kind !== "diff") return;
        if (before === after) {
          expect(result.text).toBe("");
          return;
        }
        const shown = sides(result.text);
        expect(shown.before).toEqual(a);
        expect(shown.after).toEqual(b);
        expect(shown.edits).toBe(a.length + b.length - 2 * lcs(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it("writes git-style hunks with three lines of context", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const after = before.replace("line 10\n", "line ten\n");
    const result = unifiedDiff("a.yaml", before, after);
    expect(result).toMatchObject({ kind: "diff", added: 1, removed: 1 });
    expect(result.kind === "diff" && result.text).toBe(
      "--- a/a.yaml\n+++ b/a.yaml\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n line 13\n",
    );
  });

  it("marks a missing final newline and shows creations and deletions", () => {
    expect(unifiedDiff("x", "a\n", "a")).toMatchObject({ text: "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n" });
    expect(unifiedDiff("x", null, "a\nb\n")).toMatchObject({ text: "--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n" });
    expect(unifiedDiff("x", "a\n", null)).toMatchObject({ text: "--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n" });
  });

  it("summarises files that are too long or too different instead of diffing them", () => {
    const long = Array.from({ length: 2500 }, (_, i) => `${i}`).join("\n");
    expect(unifiedDiff("x", long, `${long}\nmore`)).toEqual({ kind: "too-large", reason: "diff too large (2,501 lines)" });
    const a = Array.from({ length: 1900 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 1900 }, (_, i) => `b${i}`).join("\n");
    const result = unifiedDiff("x", a, b);
    expect(result.kind).toBe("too-large");
    // Interleaved edits under the cap still diff.
    const c = Array.from({ length: 1900 }, (_, i) => (i % 10 === 0 ? `c${i}` : `a${i}`)).join("\n");
    expect(unifiedDiff("x", a, c)).toMatchObject({ kind: "diff", added: 190, removed: 190 });
  });

  it("writes a created or deleted file exactly as the general diff would, without searching", () => {
    const text = fc.stringMatching(/^[ab\r\n\t\\ ]{0,60}$/);
    const edits = fc.integer({ min: 1, max: 8 });
    fc.assert(
      fc.property(text, edits, (content, maxEdits) => {
        const limits = { maxLines: 2000, maxEdits, context: 3 };
        expect(wholeFileDiff("f.yaml", null, content, limits)).toEqual(myersDiff("f.yaml", null, content, limits));
        expect(wholeFileDiff("f.yaml", content, null, limits)).toEqual(myersDiff("f.yaml", content, null, limits));
        expect(wholeFileDiff("f.yaml", "", content, limits)).toEqual(myersDiff("f.yaml", "", content, limits));
        expect(wholeFileDiff("f.yaml", content, "", limits)).toEqual(myersDiff("f.yaml", content, "", limits));
      }),
      { numRuns: 1000 },
    );
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `${i}\n`).join("");
    for (const n of [1000, 1001]) expect(wholeFileDiff("x", null, lines(n))).toEqual(myersDiff("x", null, lines(n)));
  });
});

// The small pieces under the renderer: scalar encoding, image splitting, path segments.
import { describe, expect, it } from "vitest";
import { yamlNumber, yamlScalar, yamlString } from "../src/render/encode.js";
import { decodeScalar } from "../src/render/helpers.js";
import { splitImage } from "../src/render/image.js";
import { normalizeOutput } from "../src/render/parse-back.js";
import { isSafeSegment, unitDir } from "../src/render/layout.js";

describe("yamlString", () => {
  it("quotes printable ASCII as is, escaping only quote and backslash", () => {
    expect(yamlString("plain text: #1 {{x}} ${y}")).toBe('"plain text: #1 {{x}} ${y}"');
    expect(yamlString('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(yamlString("")).toBe('""');
  });

  it("escapes controls JSON-style and everything outside printable ASCII as \\u or \\U", () => {
    expect(yamlString("a\nb\tc\r\u0000\u007f\u0085")).toBe('"a\\nb\\tc\\r\\u0000\\u007F\\u0085"');
    expect(yamlString("é日")).toBe('"\\u00E9\\u65E5"');
    expect(yamlString("😀")).toBe('"\\U0001F600"');
    expect(yamlString("\ud800x\udc00")).toBe('"\\uD800x\\uDC00"');
  });

  it("is undone exactly by decodeScalar", () => {
    for (const text of ["", "a\"b\\c", "😀\ud800\u2028", "\\U0001F600 literally"]) expect(decodeScalar(yamlString(text))).toBe(text);
  });
});

describe("numbers and booleans", () => {
  it("are plain scalars; non-finite numbers use YAML's spellings", () => {
    expect(yamlNumber(8080)).toBe("8080");
    expect(yamlNumber(-0.5)).toBe("-0.5");
    expect(yamlNumber(Infinity)).toBe(".inf");
    expect(yamlNumber(-Infinity)).toBe("-.inf");
    expect(yamlNumber(NaN)).toBe(".nan");
    expect(yamlScalar(true)).toBe("true");
    expect(yamlScalar("true")).toBe('"true"');
  });
});

describe("splitImage", () => {
  it("splits repository, tag and digest, keeping a registry port in the repository", () => {
    expect(splitImage("ghcr.io/acme/api:1.4.2")).toEqual({ repository: "ghcr.io/acme/api", tag: "1.4.2", digest: null });
    expect(splitImage("localhost:5000/api@sha256:abc")).toEqual({ repository: "localhost:5000/api", tag: null, digest: "sha256:abc" });
    expect(splitImage("localhost:5000/api:2@sha256:abc")).toEqual({ repository: "localhost:5000/api", tag: "2", digest: "sha256:abc" });
    expect(splitImage("nginx")).toEqual({ repository: "nginx", tag: null, digest: null });
  });
});

describe("path segments", () => {
  it("accept names and refuse traversal, separators and hidden files", () => {
    for (const ok of ["api", "payments-staging", "a.b", "claim-db.yaml", "_x"]) expect(isSafeSegment(ok)).toBe(true);
    for (const bad of ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "a..b", "x\u0000", "-x", "ä"]) expect(isSafeSegment(bad)).toBe(false);
  });

  it("join under the directory with no leading slash", () => {
    const unit = { environment: "staging", namespace: "ns", service: "api" };
    expect(unitDir("", unit)).toEqual({ path: "staging/ns/api" });
    expect(unitDir("clusters/acme", unit)).toEqual({ path: "clusters/acme/staging/ns/api" });
    expect(unitDir("", { ...unit, namespace: ".." })).toEqual({ unsafe: ".." });
  });
});

describe("normalizeOutput", () => {
  it("gives \\n line endings and exactly one trailing newline, returning text already so unchanged", () => {
    const reference = (text: string) => text.replace(/\r\n?/g, "\n").trimEnd() + "\n";
    const cases = ["", "\n", "a", "a\n", "a\n\n", "a \n", "a\t\n", "a\u00a0\n", "a\r\n", "a\rb\r", "a\r\n\r\n", "  \n  \n", "a\n \n", "x: 1\ny: 2\n", "a\u2028\n"];
    for (const text of cases) expect(normalizeOutput(text), JSON.stringify(text)).toBe(reference(text));
    const same = "kind: Service\n";
    expect(normalizeOutput(same)).toBe(same);
  });
});

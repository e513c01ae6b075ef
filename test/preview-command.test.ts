import { describe, expect, it } from "vitest";
import { parsePreviewCommand } from "../src/app/issue-comment.js";
import { previewOfNamedCommit } from "../src/previews/named-commit.js";

const HEAD = "1a2b3c4d".repeat(5);

describe("parsePreviewCommand", () => {
  it("takes one command per line, in GitHub's CRLF bodies too, and never an argument from the next line", () => {
    expect(parsePreviewCommand("lgtm\r\n/paved preview 1a2b3c4\r\nthanks")).toEqual({ line: "/paved preview 1a2b3c4", commit: "1a2b3c4" });
    expect(parsePreviewCommand("/paved preview\n1a2b3c4")).toEqual({ line: "/paved preview" });
    expect(parsePreviewCommand("/paved preview\t1a2b3c4  ")).toEqual({ line: "/paved preview 1a2b3c4", commit: "1a2b3c4" });
    expect(parsePreviewCommand(`/paved preview ${HEAD}\n/paved preview ${HEAD}`)).toEqual({ line: `/paved preview ${HEAD}`, commit: HEAD });
  });

  it("is not the command with other case or another word, as before", () => {
    for (const body of ["/Paved preview", "/paved Preview 1a2b3c4", "/paved previews", " /paved preview", "> /paved preview 1a2b3c4"]) expect(parsePreviewCommand(body), body).toBeNull();
  });

  it("names what is wrong with an argument, quoting it safely", () => {
    expect(parsePreviewCommand("/paved preview `x`")!.problem).toContain("`` `x` `` is not a commit sha");
    expect(parsePreviewCommand("/paved preview 1a2b3c")!.problem).toContain("at least 7");
    expect(parsePreviewCommand("/paved preview\n/paved preview 1a2b3c4")!.problem).toContain("more than one");
  });
});

describe("previewOfNamedCommit", () => {
  it("previews a fork only at the whole sha named, pinned; a branch of the repository at any prefix, unpinned", () => {
    expect(previewOfNamedCommit(HEAD, HEAD, true)).toEqual({ preview: true, pinned: HEAD });
    expect(previewOfNamedCommit(HEAD.slice(0, 7), HEAD, true)).toMatchObject({ preview: false, reply: expect.stringContaining(`/paved preview ${HEAD}\n`) });
    expect(previewOfNamedCommit(undefined, HEAD, true)).toMatchObject({ preview: false });
    expect(previewOfNamedCommit(HEAD.slice(0, 7), HEAD, false)).toEqual({ preview: true });
    expect(previewOfNamedCommit(undefined, HEAD, false)).toEqual({ preview: true });
  });

  it("refuses a sha that is not the head, naming both, whatever the length", () => {
    for (const fork of [true, false]) {
      const decision = previewOfNamedCommit("ffffffe", HEAD, fork);
      expect(decision).toMatchObject({ preview: false, reply: expect.stringContaining("`ffffffe` is not this pull request's head, `1a2b3c4` is") });
    }
  });
});

// Which lines of a comment can carry a command: not fenced code, not quotes.
import { describe, expect, it } from "vitest";
import { parseDeployCommand, parsePreviewCommand } from "../src/app/issue-comment.js";
import { commandLines } from "../src/core/command-lines.js";

describe("commandLines", () => {
  it("drops fenced code blocks (``` and ~~~, indented up to 3 spaces, closed by as long a fence) and block quotes", () => {
    expect(commandLines("a\n```\n/paved plan\n```\nb")).toBe("a\nb");
    expect(commandLines("a\n   ~~~~ yaml\n/paved plan\n~~~\nstill code\n~~~~\nb")).toBe("a\nb");
    expect(commandLines("````\n```\n/paved plan\n````\nb")).toBe("b");
    expect(commandLines("> /paved plan\n  > quoted too\nc")).toBe("c");
    expect(commandLines("    ```\n/paved plan")).toBe("    ```\n/paved plan"); // four spaces: indented code, not a fence
    expect(commandLines("```\nnever closed\n/paved plan")).toBe(""); // GitHub renders the rest as code
    expect(commandLines("x\r\n/paved plan\r\n")).toBe("x\n/paved plan\n");
    expect(commandLines("a\n<!--\n/paved plan\n-->\nb")).toBe("a\nb"); // invisible on GitHub
    expect(commandLines("<!-- a note -->\n/paved plan")).toBe("/paved plan");
  });

  it("leaves deploy and preview commands outside code and quotes only, one line each", () => {
    expect(parseDeployCommand("```\n/paved rollback production\n```")).toBeNull();
    expect(parseDeployCommand("> /paved promote production")).toBeNull();
    expect(parseDeployCommand("/paved rollback\nproduction")).toBeNull();
    expect(parseDeployCommand("/paved rollback production\n1a2b3c4")).toEqual({ verb: "rollback", environment: "production" });
    expect(parseDeployCommand("see below\n/paved rollback staging 1a2b3c4")).toEqual({ verb: "rollback", environment: "staging", commit: "1a2b3c4" });
    expect(parsePreviewCommand("```\n/paved preview\n```")).toBeNull();
    expect(parseDeployCommand("Thanks!\n<!--\n/paved rollback production\n-->")).toBeNull();
  });
});

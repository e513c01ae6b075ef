// One formatter for a diagnostic on a terminal line (#12): position first, the code where each surface wants it.
import { describe, expect, it } from "vitest";
import { diagnosticLine } from "../src/report/diagnostic-line.js";

const d = { severity: "error" as const, code: "image-tag", message: "image `x:latest`\x1b[2J uses latest", file: "apps/\x07platform.yaml", line: 5, column: 12, path: "/services/api/image" };

describe("diagnosticLine", () => {
  it("puts the position first and the code before, after or nowhere", () => {
    const clean = { ...d, message: "uses latest", file: "platform.yaml" };
    expect(diagnosticLine(clean, { code: "before" })).toBe("platform.yaml:5:12: error image-tag: uses latest");
    expect(diagnosticLine(clean, { code: "after" })).toBe("platform.yaml:5:12: error: uses latest [image-tag]");
    expect(diagnosticLine(clean, { code: "none", severity: "ERR" })).toBe("platform.yaml:5:12: ERR: uses latest");
  });

  it("lets no control character of a file name or message reach the terminal, in every style", () => {
    for (const code of ["before", "after", "none"] as const) {
      expect(diagnosticLine(d, { code })).not.toMatch(/[\x00-\x1f\x7f]/);
    }
  });
});

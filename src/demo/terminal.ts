/**
 * How the demo talks: headings, narration, quoted blocks (a PR comment, a diff, a commit), colour
 * only as the launcher decided (report/ansi.ts wantsColor: on a terminal, never with NO_COLOR).
 * Everything quoted came from the real code.
 */
import type { Diagnostic } from "../core/diagnostic.js";
import { painter, type Color } from "../report/ansi.js";
import { codeFrame } from "../report/code-frame.js";
import { escapeTerminal } from "../report/escape.js";
import type { CommitInfo } from "./git.js";

export class Terminal {
  constructor(
    private readonly write: (text: string) => unknown,
    readonly color: boolean,
  ) {}

  paint(color: Color, text: string): string {
    return painter(this.color)(color, text);
  }

  line(text = ""): void {
    this.write(`${text}\n`);
  }

  title(text: string): void {
    this.line(this.paint("bold", text));
  }

  heading(step: string, text: string): void {
    const label = `${step} · ${text} `;
    this.line();
    this.line(this.paint("bold", this.paint("cyan", `── ${label}${"─".repeat(Math.max(3, 76 - label.length))}`)));
  }

  say(text: string): void {
    this.line(`  ${text}`);
  }

  /** A command the demo really ran, shown the way a person would type it. */
  ran(command: string): void {
    this.line(`  ${this.paint("dim", `$ ${command}`)}`);
  }

  ok(text: string): void {
    this.line(`  ${this.paint("green", "✓")} ${text}`);
  }

  /** A block quoted from a real output, behind a gutter. */
  quote(text: string, paintLine: (line: string) => string = (l) => l): void {
    for (const line of text.replace(/\n$/, "").split("\n")) this.line(`  ${this.paint("dim", "│")} ${paintLine(escapeTerminal(line))}`);
  }

  diff(text: string): void {
    this.quote(text, (line) => {
      if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") || line.startsWith("index ")) return this.paint("bold", line);
      if (line.startsWith("@@")) return this.paint("cyan", line);
      if (line.startsWith("+")) return this.paint("green", line);
      if (line.startsWith("-")) return this.paint("red", line);
      return line;
    });
  }

  /**
   * The pull-request comment as a reader sees it on GitHub: every line of the markdown, except the
   * bodies of the collapsed `<details>` blocks (the per-file diffs), which are counted instead.
   */
  comment(markdown: string): void {
    const shown: string[] = [];
    let hidden = 0;
    let inDetails = false;
    for (const line of markdown.replace(/\n$/, "").split("\n")) {
      if (line.startsWith("<details>")) {
        inDetails = true;
        shown.push(line);
        continue;
      }
      if (inDetails && line.startsWith("</details>")) {
        inDetails = false;
        shown.push(`    ⋯ ${hidden} collapsed line${hidden === 1 ? "" : "s"} (the file's diff)`, line);
        hidden = 0;
        continue;
      }
      if (inDetails) hidden++;
      else shown.push(line);
    }
    this.quote(shown.join("\n"), (line) => {
      if (line.startsWith("#")) return this.paint("bold", line);
      if (line.startsWith("    ⋯")) return this.paint("dim", line);
      if (line.startsWith("<!--")) return this.paint("dim", line);
      return line;
    });
  }

  /** `file:line:column: error: message [code]`, then the source line with a caret under the column. */
  located(diagnostics: readonly Diagnostic[], source: string): void {
    for (const d of diagnostics) {
      const severity = this.paint(d.severity === "error" ? "red" : "yellow", d.severity);
      this.line(`  ${escapeTerminal(d.file)}:${d.line}:${d.column}: ${severity}: ${escapeTerminal(d.message)} [${escapeTerminal(d.code)}]`);
      for (const frame of codeFrame(source, d.line, d.column, (color, text) => this.paint(color, text))) this.line(`  ${frame}`);
    }
  }

  /** A commit as `git show --stat` would put it: sha, author, message, then one line per file. */
  commit(info: CommitInfo): void {
    this.quote(`commit ${info.sha}\nAuthor: ${info.author}\n\n    ${info.subject}\n${info.body ? `\n${info.body.split("\n").map((l) => `    ${l}`.trimEnd()).join("\n")}\n` : ""}`, (line) =>
      line.startsWith("commit ") ? this.paint("yellow", line) : line,
    );
    const width = Math.max(...info.files.map((f) => f.path.length), 0);
    for (const f of info.files) {
      const mark = f.status === "A" ? this.paint("green", "A") : f.status === "D" ? this.paint("red", "D") : this.paint("yellow", f.status);
      const counts = `${this.paint("green", `+${f.added}`)} ${this.paint("red", `-${f.deleted}`)}`;
      this.line(`  ${this.paint("dim", "│")}  ${mark}  ${escapeTerminal(f.path).padEnd(width)}  ${counts}`);
    }
    const added = info.files.reduce((n, f) => n + f.added, 0);
    const deleted = info.files.reduce((n, f) => n + f.deleted, 0);
    this.line(`  ${this.paint("dim", "│")}  ${info.files.length} file${info.files.length === 1 ? "" : "s"} changed, ${added} insertions(+), ${deleted} deletions(-)`);
  }
}

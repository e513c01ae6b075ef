/**
 * Collects render diagnostics. A broken template fails the same way for every unit: such repeats
 * are folded into one diagnostic that names the first unit and counts the others, so a thousand
 * units do not bury the report.
 */
import type { Diagnostic } from "../core/diagnostic.js";

interface Group {
  diagnostic: Diagnostic;
  subjects: string[];
}

export class DiagnosticCollector {
  private readonly groups = new Map<string, Group>();

  /** `subject` names what was being rendered (`staging/api`), appended to the message. */
  add(diagnostic: Diagnostic, subject?: string): void {
    const key = JSON.stringify([diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.code, diagnostic.path, diagnostic.message]);
    const group = this.groups.get(key);
    if (!group) this.groups.set(key, { diagnostic, subjects: subject === undefined ? [] : [subject] });
    else if (subject !== undefined) group.subjects.push(subject);
  }

  list(): Diagnostic[] {
    return [...this.groups.values()].map(({ diagnostic, subjects }) => {
      if (subjects.length === 0) return diagnostic;
      const others = subjects.length - 1;
      const suffix = others === 0 ? "" : ` and ${others} other${others === 1 ? "" : "s"}`;
      return { ...diagnostic, message: `${diagnostic.message} (rendering ${subjects[0]}${suffix})` };
    });
  }
}

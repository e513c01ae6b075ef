/**
 * Collects render findings. A broken template fails the same way for every unit: such repeats
 * are folded into one finding that names the first unit and counts the others, so a thousand
 * units do not bury the report.
 */
import type { Finding } from "../core/diagnostic.js";

interface Group {
  finding: Finding;
  subjects: string[];
}

export class FindingCollector {
  private readonly groups = new Map<string, Group>();

  /** `subject` names what was being rendered (`staging/api`), appended to the message. */
  add(finding: Finding, subject?: string): void {
    const { document, pointer, side, position } = finding.at;
    const key = JSON.stringify([document, position?.line, position?.column, side, finding.code, pointer, finding.message]);
    const group = this.groups.get(key);
    if (!group) this.groups.set(key, { finding, subjects: subject === undefined ? [] : [subject] });
    else if (subject !== undefined) group.subjects.push(subject);
  }

  list(): Finding[] {
    return [...this.groups.values()].map(({ finding, subjects }) => {
      if (subjects.length === 0) return finding;
      const others = subjects.length - 1;
      const suffix = others === 0 ? "" : ` and ${others} other${others === 1 ? "" : "s"}`;
      return { ...finding, message: `${finding.message} (rendering ${subjects[0]}${suffix})` };
    });
  }
}

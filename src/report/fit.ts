import type { Measure } from "./limits.js";

/**
 * Deliberate truncation: sections go in priority order (verdict, risks, errors before tables and
 * diffs); each section's "… N more not shown" note is reserved up front, so whatever is cut, the
 * reader is told what and where to find the rest.
 */
export interface Section {
  /** Printed before the section's first item, or before its note when no item fits. */
  heading?: string;
  /** Whole items (a line, a table row, a diff block): never cut in the middle. */
  items: string[];
  /** Printed after the section when items were left out. */
  omitted: (count: number) => string;
  /** Try later, smaller items after one that does not fit (diffs); else stop at the first. */
  skipLarge?: boolean;
  /** Printed after the section when anything of it was printed. */
  trailer?: string;
}

export function fitSections(head: string, sections: Section[], foot: string, limit: number, measure: Measure): string {
  // Room for each section's note (with its heading and trailer, should no item fit): the note always gets printed.
  const reserves = sections.map((s) =>
    s.items.length > 0 ? measure(s.heading ?? "") + measure(s.omitted(s.items.length)) + measure(s.trailer ?? "") : 0,
  );
  let budget = limit - measure(head) - measure(foot) - reserves.reduce((a, b) => a + b, 0);
  const out: string[] = [head];
  sections.forEach((section, i) => {
    let started = false;
    let omitted = 0;
    const opening = section.heading ?? "";
    const closing = section.trailer ?? "";
    for (const item of section.items) {
      const cost = measure(item) + (started ? 0 : measure(opening) + measure(closing));
      if ((omitted > 0 && !section.skipLarge) || cost > budget) {
        omitted++;
        continue;
      }
      if (!started) out.push(opening);
      started = true;
      out.push(item);
      budget -= cost;
    }
    // When nothing fitted, the heading still says what the note is about.
    const note = omitted === 0 ? "" : started ? section.omitted(omitted) : opening + section.omitted(omitted);
    if (started) out.push(closing, note);
    else if (note !== "") out.push(note, closing);
    budget += reserves[i]! - measure(note) - (note !== "" && !started ? measure(closing) : 0);
  });
  out.push(foot);
  return out.join("");
}

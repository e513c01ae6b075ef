/**
 * The part of a pull-request comment that can give Paved a command: every line outside fenced code
 * blocks (``` or ~~~, as GitHub renders them), block quotes and HTML comments. A writer who shows a
 * command — in docs pasted into a review, in a quoted reply — must not run it: `/paved rollback
 * production` in a code block is an example, not an order; and one in an HTML comment is invisible
 * to every reader of the conversation, so it does not run either.
 */
export function commandLines(body: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  let inComment = false;
  for (const line of body.split(/\r?\n/)) {
    if (inComment) {
      inComment = !line.includes("-->");
      continue;
    }
    // A fence may be indented up to 3 spaces; it closes with the same character, at least as many.
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (/^ {0,3}>/.test(line)) continue;
    const opened = /^ {0,3}<!--/.exec(line);
    if (opened) {
      inComment = !line.slice(opened[0].length).includes("-->");
      continue;
    }
    kept.push(line);
  }
  return kept.join("\n");
}

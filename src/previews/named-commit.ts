/**
 * Which commit a writer's `/paved preview [<sha>]` previews, given the pull request's head when Paved
 * handles the comment. A fork's preview runs code from outside the organisation, so it must be the
 * commit the writer reviewed, and only they can say which: the fork may have pushed between their
 * reading and Paved's handling, and commit dates are the pusher's to write, so no timing can tell.
 */
export type NamedCommitDecision =
  /** Preview the head; `pinned` (a fork's): later pushes leave the preview at it. */
  | { preview: true; pinned?: string }
  /** Nothing is previewed; the writer is told why. */
  | { preview: false; reply: string };

export function previewOfNamedCommit(named: string | undefined, head: string, fork: boolean): NamedCommitDecision {
  const short = head.slice(0, 7);
  if (named === undefined) {
    if (!fork) return { preview: true };
    return {
      preview: false,
      reply: [
        "This pull request comes from a fork, and a preview runs its code: name the commit you reviewed, and Paved previews that commit, and only while it is the pull request's head.",
        `The head is now \`${short}\`. If that is the commit you reviewed, comment:`,
        `\`\`\`\n/paved preview ${short}\n\`\`\``,
        "Check the sha against the commits you reviewed first: the fork can push at any time, and a sha copied from here checks nothing.",
      ].join("\n\n"),
    };
  }
  if (!head.startsWith(named)) {
    return {
      preview: false,
      reply: `No preview: \`${named.slice(0, 7)}\` is not this pull request's head, \`${short}\` is (pushed since you read it, or a mistyped sha). ${fork ? `Review \`${short}\`, then comment \`/paved preview ${short}\`.` : `Comment \`/paved preview ${short}\` to preview it.`}`,
    };
  }
  // A branch of this repository is pushed by its writers: its preview follows pushes, as the label's does.
  return fork ? { preview: true, pinned: head } : { preview: true };
}

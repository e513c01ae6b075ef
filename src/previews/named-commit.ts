/**
 * Which commit a writer's `/paved preview [<sha>]` previews, given the pull request's head when Paved
 * handles the comment. A fork's preview runs code from outside the organisation, so it must be the
 * commit the writer reviewed, and only they can say which: the fork may have pushed between their
 * reading and Paved's handling, and commit dates are the pusher's to write, so no timing can tell.
 * A fork's commit is named by its whole sha: its author can make two commits that share a short
 * sha's first characters (7 take seconds to match), push one for review and the other after the
 * writer's comment. A branch of this repository is pushed by its own writers, so a prefix does there.
 */
export type NamedCommitDecision =
  /** Preview the head; `pinned` (a fork's): later pushes leave the preview at it. */
  | { preview: true; pinned?: string }
  /** Nothing is previewed; the writer is told why. */
  | { preview: false; reply: string };

export function previewOfNamedCommit(named: string | undefined, head: string, fork: boolean): NamedCommitDecision {
  const short = head.slice(0, 7);
  if (named !== undefined && !head.startsWith(named)) {
    return {
      preview: false,
      reply: `No preview: \`${named.slice(0, 7)}\` is not this pull request's head, \`${short}\` is (pushed since you read it, or a mistyped sha). ${fork ? `Review \`${short}\`, then comment \`/paved preview ${head}\`.` : `Comment \`/paved preview ${short}\` to preview it.`}`,
    };
  }
  if (fork && (named === undefined || named.length < head.length)) {
    return {
      preview: false,
      reply: [
        named === undefined
          ? "This pull request comes from a fork, and a preview runs its code: name the commit you reviewed by its whole sha, and Paved previews that commit, and only while it is the pull request's head."
          : `No preview: on a pull request from a fork, name the commit by its whole sha, not \`${named}\`: the fork's author can make another commit whose sha starts the same.`,
        `The head is now \`${short}\`. If that is the commit you reviewed, comment:`,
        `\`\`\`\n/paved preview ${head}\n\`\`\``,
        "Check the sha against the commits you reviewed first (the pull request's Commits tab copies a whole sha): the fork can push at any time, and a sha copied from here checks nothing.",
      ].join("\n\n"),
    };
  }
  // A branch of this repository is pushed by its writers: its preview follows pushes, as the label's does.
  return fork ? { preview: true, pinned: head } : { preview: true };
}

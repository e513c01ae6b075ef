import { gitBlobSha } from "../plan/blob-sha.js";

/**
 * Blob contents by git sha, kept by the process across events: a blob's content never changes, so
 * a hit is always right, whichever repository's tree lists the sha (a tree that lists it holds that
 * very content). It saves the GitHub read of a source's ownership index that this process has just
 * written (a merge, then the next pull request) or read. Bounded in characters, oldest out first;
 * another replica, or a restart, simply reads again.
 */
export class BlobCache {
  private readonly entries = new Map<string, string>();
  private size = 0;

  constructor(private readonly maxChars: number) {}

  get(sha: string): string | undefined {
    const content = this.entries.get(sha);
    if (content !== undefined) {
      // Most recently used last, so eviction takes the least recently used.
      this.entries.delete(sha);
      this.entries.set(sha, content);
    }
    return content;
  }

  set(sha: string, content: string): void {
    if (content.length > this.maxChars || this.entries.has(sha)) return;
    this.entries.set(sha, content);
    this.size += content.length;
    for (const [oldest, evicted] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(oldest);
      this.size -= evicted.length;
    }
  }

  /** Remembers content this process wrote, under the sha git gives it. */
  remember(content: string): void {
    this.set(gitBlobSha(content), content);
  }
}

/** The process's cache for the GitOps writer on GitHub: 16 Mi characters (a few hundred indexes). */
export const gitopsBlobs = new BlobCache(16 * 1024 * 1024);

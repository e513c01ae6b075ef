/** The manifest as the source repository's git history has it at a commit (what a promotion or rollback renders). */
import { basename, dirname } from "node:path";
import { GitError, gitRunner } from "../gitops/local.js";
import { CliError } from "./io.js";
import { EXIT_USAGE } from "./exit.js";

export interface ManifestHistory {
  /** The manifest's text at `commit`; a CliError when the commit or the file there is missing (never "no manifest": that would delete every file of the source). */
  at(commit: string): Promise<string>;
  /** The full sha of `ref` (a branch, tag or abbreviated sha), or a CliError saying it is not a commit here. */
  resolve(ref: string, command: string): Promise<string>;
}

/** `file` is an absolute path inside a git work tree; its history is read with `git show <commit>:./<name>`. */
export function manifestHistory(file: string): ManifestHistory {
  const dir = dirname(file);
  const name = basename(file);
  const git = gitRunner(dir);
  return {
    async at(commit) {
      try {
        return (await git(["show", `${commit}:./${name}`])).toString("utf8");
      } catch (error) {
        const why = error instanceof GitError ? error.stderr.trim().split("\n")[0] : String(error);
        throw new CliError(`paved: cannot read ${name} at ${commit.slice(0, 12)} in ${dir} (${why}); --repo names the source repository whose history has the deployed commits`, EXIT_USAGE);
      }
    },
    async resolve(ref, command) {
      if (!/^[0-9A-Za-z][0-9A-Za-z._/-]{0,254}$/.test(ref)) throw new CliError(`paved ${command}: \`${ref}\` is not a commit (a sha, branch or tag)`, EXIT_USAGE);
      try {
        return (await git(["rev-parse", "-q", "--verify", `${ref}^{commit}`])).toString("utf8").trim();
      } catch {
        throw new CliError(`paved ${command}: \`${ref}\` is not a commit of the source repository ${dir}; --repo names it (default: the current directory)`, EXIT_USAGE);
      }
    },
  };
}

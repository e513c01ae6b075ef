/**
 * The settings' files in a folder on disk: the Action's workspace, the CLI's working folder. Like the
 * App's `<org>/.github`, the folder bounds what the config may name (src/settings/paths.ts), and a
 * symbolic link out of it reads as no file, as the contents API serves no link that leaves the
 * repository: a checked-out `values.schema.json -> /proc/self/environ` must not end up quoted in an
 * annotation.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { FileSource, FileSourceEntry } from "./file-source.js";

const ABSENT = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

function absent(error: unknown): boolean {
  return ABSENT.has((error as NodeJS.ErrnoException).code ?? "");
}

/** The files under `root`; `name` says where, in messages (`the workspace`). */
export function localFiles(root: string, name: string): FileSource {
  const at = (path: string) => join(root, ...path.split("/"));
  let realRoot: Promise<string> | undefined;
  /** The path, resolved through any links, when it stays under `root`; null when it leaves it. */
  const contained = async (path: string): Promise<string | null> => {
    realRoot ??= realpath(root);
    const [real, top] = await Promise.all([realpath(at(path)), realRoot]);
    return isInside(top, real) ? real : null;
  };
  return {
    name,
    async readText(path) {
      try {
        const real = await contained(path);
        return real === null ? null : await readFile(real, "utf8");
      } catch (error) {
        if (absent(error)) return null;
        throw error;
      }
    },
    async listFiles(folder): Promise<FileSourceEntry[] | null> {
      let entries: Dirent[];
      try {
        const real = await contained(folder);
        if (real === null) return null;
        entries = await readdir(real, { withFileTypes: true });
      } catch (error) {
        if (absent(error)) return null;
        throw error;
      }
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
        .sort()
        .map((file) => ({ name: file, path: folder === "." || folder === "" ? file : `${folder}/${file}` }));
    },
    displayName: at,
  };
}

/**
 * The folder a config on disk is read in, and the config's path in it: `base` (the workspace, the working
 * folder) when the config lies inside it — so it may name `../templates` from `.github/paved.yml` as in
 * `<org>/.github` — else the config's own folder.
 */
export function localConfigRoot(base: string, configPath: string): { root: string; configPath: string } {
  const absolute = resolve(base, configPath);
  const inside = relative(base, absolute);
  if (inside === "" || !isInside(base, absolute)) return { root: dirname(absolute), configPath: basename(absolute) };
  return { root: resolve(base), configPath: inside.split(sep).join("/") };
}

/** Whether `path` is `root` or below it (both absolute, links already resolved where that matters). */
export function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside === "" || !(inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}

import { wantsColor } from "../report/ansi.js";
import type { Io } from "./io.js";

/**
 * The real process as the CLI sees it: what bin/paved.js and the bundled CLI pass to `run`. Colour is
 * decided here once (NO_COLOR, FORCE_COLOR, a terminal), for every verb and the demo alike.
 */
export function processIo(): Io {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    isTTY,
    color: wantsColor(isTTY, process.env),
    stdin: process.stdin,
  };
}

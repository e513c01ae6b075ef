/**
 * Terminal colour for the CLI text and the demo: whether to colour is decided once, by `wantsColor`,
 * in the launcher (the caller passes the environment: core reads no process state); painting is
 * `node:util` `styleText`.
 */
import { styleText } from "node:util";

export type Color = "red" | "green" | "yellow" | "cyan" | "bold" | "dim";
export type Paint = (color: Color, text: string) => string;

// The decision is ours (wantsColor), so styleText must not second-guess it against process.stdout.
const DECIDED = { validateStream: false } as const;

export function painter(color: boolean): Paint {
  return color ? (c, text) => styleText(c, text, DECIDED) : (_c, text) => text;
}

/**
 * Colour on a terminal, unless NO_COLOR (https://no-color.org) is set and not empty; FORCE_COLOR
 * (https://force-color.org) set and not empty turns it on off a terminal too, except `0` or `false`,
 * which turn it off. NO_COLOR wins over FORCE_COLOR: asking for no escape codes is always honoured.
 */
export function wantsColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return isTTY;
}

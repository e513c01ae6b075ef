/** Terminal colours, for the CLI text and the demo; callers decide whether colour is wanted. */
export type Color = "red" | "green" | "yellow" | "cyan" | "bold" | "dim";
export type Paint = (color: Color, text: string) => string;

const CODES: Record<Color, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export function painter(color: boolean): Paint {
  return color ? (c, text) => `\u001b[${CODES[c][0]}m${text}\u001b[${CODES[c][1]}m` : (_c, text) => text;
}

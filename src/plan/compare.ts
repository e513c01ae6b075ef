/** Code-unit order: identical on every machine, unlike localeCompare (plans must be reproducible). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The kubelet expands `$(VAR)` in a container's `env[].value`, `command` and `args`, and turns `$$`
 * into `$` (and mangles a `$` before a non-ASCII character). Doubling every `$` makes it hand the
 * process exactly the text the user wrote, whatever follows each `$`.
 */
export function kubeletLiteral(text: string): string {
  return text.includes("$") ? text.replaceAll("$", () => "$$") : text;
}

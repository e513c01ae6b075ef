/**
 * What the kubelet does to a container's `env[].value`, `command` and `args` before the process
 * sees them: a port of Kubernetes' third_party/forked/golang/expansion `Expand` with
 * `MappingFuncFor`, byte for byte on UTF-8 (as Go's strings are), so its quirks come along:
 * `$$` → `$`, `$(NAME)` → the variable's value when defined (left as written otherwise), and a
 * `$` before a multi-byte character turns that character's first byte into a Latin-1 rune.
 */
const DOLLAR = 0x24;
const OPEN = 0x28;
const CLOSE = 0x29;

export function kubeletExpand(input: string, lookup: (name: string) => string | undefined): string {
  const bytes = Buffer.from(input, "utf8");
  const out: Buffer[] = [];
  let checkpoint = 0;
  for (let cursor = 0; cursor < bytes.length; cursor++) {
    if (bytes[cursor] !== DOLLAR || cursor + 1 >= bytes.length) continue;
    out.push(bytes.subarray(checkpoint, cursor));
    const rest = bytes.subarray(cursor + 1);
    let advance = 1;
    if (rest[0] === DOLLAR) {
      out.push(Buffer.from("$"));
    } else if (rest[0] === OPEN) {
      const close = rest.indexOf(CLOSE, 1);
      if (close === -1) {
        out.push(Buffer.from("$("));
      } else {
        const name = rest.subarray(1, close).toString("utf8");
        out.push(Buffer.from(lookup(name) ?? `$(${name})`, "utf8"));
        advance = close + 1;
      }
    } else {
      // Go's string(input[0]) makes a rune of one byte.
      out.push(Buffer.from("$" + String.fromCharCode(rest[0]!), "utf8"));
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  out.push(bytes.subarray(checkpoint));
  return Buffer.concat(out).toString("utf8");
}

/**
 * Env values may be exactly `${dependencies.<dep>.<output>}` (wired to the dependency's connection
 * secret). In v1 a placeholder inside a longer string is an error, and `$${` writes a literal `${`.
 * Render uses `parseEnvValue` too, so the rule and the output cannot disagree.
 */
export type EnvValue =
  | { kind: "literal"; text: string }
  | { kind: "dependency"; dependency: string; output: string }
  | { kind: "embedded"; placeholder: string }
  | { kind: "unsupported"; placeholder: string };

const DEPENDENCY_PLACEHOLDER = /^\$\{dependencies\.([^.{}\s]+)\.([^.{}\s]+)\}$/;

export function parseEnvValue(value: string | number | boolean): EnvValue {
  if (typeof value !== "string") return { kind: "literal", text: String(value) };
  const whole = DEPENDENCY_PLACEHOLDER.exec(value);
  if (whole) return { kind: "dependency", dependency: whole[1]!, output: whole[2]! };
  let text = "";
  for (let i = 0; i < value.length; i++) {
    if (value.startsWith("$${", i)) {
      text += "${";
      i += 2;
    } else if (value.startsWith("${", i)) {
      const end = value.indexOf("}", i);
      const placeholder = end === -1 ? value.slice(i) : value.slice(i, end + 1);
      const isWhole = i === 0 && end === value.length - 1;
      return isWhole ? { kind: "unsupported", placeholder } : { kind: "embedded", placeholder };
    } else {
      text += value[i];
    }
  }
  return { kind: "literal", text };
}

/**
 * The demo's pull requests as a developer would make them: small edits to platform.yaml that keep
 * every other byte (comments, layout) as it was, so each pull request's diff is only its change.
 * The YAML parser finds where a value sits; the edit is a splice of the original text.
 */
// `yaml`, not js-yaml: the edit needs each value's source range to splice the original text.
import { isMap, isScalar, parseDocument, type Document, type Node, type Pair } from "yaml";

/** The edit did not find what the story expects in the manifest. */
export class EditError extends Error {}

function parse(text: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new EditError(`the manifest does not parse: ${doc.errors[0]!.message}`);
  return doc;
}

function dotted(path: readonly string[]): string {
  return path.join(".");
}

/** Replaces the scalar at `path` with `value` (written plain: the demo's values need no quotes). */
export function setScalar(text: string, path: readonly string[], value: string | number): string {
  const node = parse(text).getIn(path, true) as Node | undefined;
  if (!isScalar(node) || !node.range) throw new EditError(`no value at \`${dotted(path)}\` to change`);
  const edited = text.slice(0, node.range[0]) + String(value) + text.slice(node.range[1]);
  if (parse(edited).getIn(path) !== value) throw new EditError(`\`${dotted(path)}\` did not become \`${value}\``);
  return edited;
}

/** Removes the entry at `path` (its key and everything under it), whole lines at a time. */
export function removeEntry(text: string, path: readonly string[]): string {
  const parent = parse(text).getIn(path.slice(0, -1), true) as Node | undefined;
  const key = path[path.length - 1];
  if (!isMap(parent) || key === undefined) throw new EditError(`no map at \`${dotted(path.slice(0, -1))}\``);
  const pair = parent.items.find((item: Pair) => isScalar(item.key) && item.key.value === key);
  const keyNode = pair?.key as Node | undefined;
  const valueNode = pair?.value as Node | undefined;
  if (!keyNode?.range || !valueNode?.range) throw new EditError(`no entry \`${dotted(path)}\` to remove`);
  if (parent.items.length === 1) throw new EditError(`removing \`${dotted(path)}\` would leave \`${dotted(path.slice(0, -1))}\` empty`);
  const lineStart = text.lastIndexOf("\n", keyNode.range[0] - 1) + 1;
  const end = valueNode.range[1];
  const lastNewline = text.indexOf("\n", Math.max(end - 1, keyNode.range[0]));
  const lineEnd = lastNewline === -1 ? text.length : lastNewline + 1;
  const edited = text.slice(0, lineStart) + text.slice(lineEnd);
  if (parse(edited).hasIn(path)) throw new EditError(`\`${dotted(path)}\` is still there`);
  return edited;
}

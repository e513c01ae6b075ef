/** RFC 6901 JSON Pointer helpers. */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function pointer(...tokens: Array<string | number>): string {
  return tokens.map((t) => "/" + escapePointerToken(t)).join("");
}

export function parsePointer(ptr: string): string[] {
  if (ptr === "") return [];
  return ptr
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The values a pointer passes through, from the first token on, as far as they exist: own
 * properties of mappings (never an inherited `constructor` or `__proto__`) and indexes of lists.
 * Shorter than the pointer's tokens when it leaves the document.
 */
export function walkPointer(root: unknown, ptr: string): unknown[] {
  const nodes: unknown[] = [];
  let node = root;
  for (const token of parsePointer(ptr)) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= node.length) break;
      node = node[Number(token)];
    } else if (node !== null && typeof node === "object" && Object.prototype.hasOwnProperty.call(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      break;
    }
    nodes.push(node);
  }
  return nodes;
}

/** The value at a pointer, or undefined when the pointer leaves the document. */
export function valueAt(root: unknown, ptr: string): unknown {
  const tokens = parsePointer(ptr).length;
  if (tokens === 0) return root;
  const nodes = walkPointer(root, ptr);
  return nodes.length === tokens ? nodes[tokens - 1] : undefined;
}

/**
 * Bytes to text for the files people hand to Paved. YAML here is UTF-8: a UTF-16 file (what some
 * Windows editors save) or one with bytes that are not UTF-8 (Latin-1 from an old editor) would
 * otherwise be misread, so they are refused with where the first bad byte is and how to fix it.
 */
import type { Diagnostic } from "../core/diagnostic.js";

const FIX = "save the file as UTF-8 (in most editors: File → Save with Encoding → UTF-8)";

function problem(file: string, line: number, column: number, message: string): Diagnostic {
  return { severity: "error", code: "not-utf8", message, file, line, column, path: "" };
}

/** The byte offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
function firstInvalidByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const extra = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) {
      if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += extra + 1;
  }
  return -1;
}

export function decodeText(bytes: Uint8Array, file: string): { text: string } | { diagnostic: Diagnostic } {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  // Without a byte-order mark, UTF-16 text of ASCII characters has a NUL in every other byte.
  const nulls = bytes.subarray(0, 256).filter((b) => b === 0).length;
  if (utf16 || nulls > 0) {
    return { diagnostic: problem(file, 1, 1, `${utf16 || nulls > 8 ? "the file is UTF-16, not UTF-8" : "the file holds NUL bytes, so it is not UTF-8 text"}: ${FIX}`) };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    const offset = Math.max(0, firstInvalidByte(bytes));
    const before = bytes.subarray(0, offset);
    const lineStart = before.lastIndexOf(0x0a) + 1;
    const line = before.filter((b) => b === 0x0a).length + 1;
    const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
    const hex = bytes[offset]?.toString(16).toUpperCase().padStart(2, "0") ?? "??";
    return { diagnostic: problem(file, line, column, `byte 0x${hex} is not UTF-8 (Latin-1 or Windows-1252 text?): ${FIX}`) };
  }
}

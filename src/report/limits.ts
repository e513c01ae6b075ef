/**
 * GitHub's size limits, in one place. Comments are counted in characters (a JS string's length,
 * UTF-16 code units, is never below that); check-run `summary` and `text` in UTF-8 bytes.
 */
export const COMMENT_MAX_CHARS = 65_000;
export const CHECK_RUN_MAX_BYTES = 65_000;
/** Check-run annotations per create/update request; the rest go in further updates (they append). */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Check-run titles are one line; keep them short. */
export const CHECK_RUN_TITLE_MAX_CHARS = 200;

export type Measure = (text: string) => number;

export const measureChars: Measure = (text) => text.length;
export const measureBytes: Measure = (text) => Buffer.byteLength(text, "utf8");

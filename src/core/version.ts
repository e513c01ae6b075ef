import { createRequire } from "node:module";

/** Paved's version: part of every plan id, since rendering depends on it. Read from package.json (works from src/ and dist/). */
export const PAVED_VERSION: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

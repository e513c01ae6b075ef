import { readPackageJson } from "./package-root.js";

/** Paved's version: part of every plan id, since rendering depends on it. Read from package.json (src/, dist/ and the Action's bundle alike). */
export const PAVED_VERSION: string = (readPackageJson("package.json") as { version: string }).version;

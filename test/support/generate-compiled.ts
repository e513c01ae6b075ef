/**
 * Vitest global setup: the suite runs the source, which imports the validators and templates
 * compiled at build time (src/generated/, not committed). They are regenerated here so tests always
 * check the current schemas/ and templates/, with or without an `npm run build` first.
 */
import { readFileSync, writeFileSync } from "node:fs";
// @ts-expect-error — plain .mjs build scripts without types
import { generate as validators, OUTPUT as VALIDATORS } from "../../scripts/gen-validators.mjs";
// @ts-expect-error — plain .mjs build scripts without types
import { generate as templates, OUTPUT as TEMPLATES } from "../../scripts/gen-templates.mjs";

function writeIfChanged(path: string, text: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(path, "utf8");
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileSync(path, text);
}

export default async function setup(): Promise<void> {
  writeIfChanged(VALIDATORS as string, (await validators()) as string);
  writeIfChanged(TEMPLATES as string, templates() as string);
}

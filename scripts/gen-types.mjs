// Generates TypeScript types from the JSON Schemas, so the code's types cannot drift from the contract.
// Output is committed (src/generated/) so editors and vitest see it; `npm run build` refreshes it and
// test/schema-types.test.ts fails when a schema changed without regenerating.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function generate() {
  const { compile } = await import("json-schema-to-typescript");
  const out = {};
  for (const [name, file, typeName] of [
    ["platform", "schemas/platform.schema.json", "PlatformManifest"],
    ["config", "schemas/config.schema.json", "PavedConfig"],
  ]) {
    const schema = JSON.parse(await readFile(join(root, file), "utf8"));
    out[name] = await compile({ ...schema, title: typeName }, typeName, {
      bannerComment: `/* Generated from ${file} by scripts/gen-types.mjs. Do not edit. */`,
      additionalProperties: false,
      unreachableDefinitions: true,
      style: { singleQuote: false },
      cwd: join(root, "schemas"),
    });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let generated;
  try {
    generated = await generate();
  } catch (error) {
    // A production install (no devDependencies) builds nothing; the committed types stand.
    if (error?.code === "ERR_MODULE_NOT_FOUND") process.exit(0);
    throw error;
  }
  await mkdir(join(root, "src/generated"), { recursive: true });
  for (const [name, text] of Object.entries(generated)) {
    await writeFile(join(root, `src/generated/${name}.ts`), text);
  }
}

/**
 * What the Action's and the CLI's committed bundles share: one ESM file for Node, not minified (stack
 * traces and diffs of the committed file stay readable), with a require() for bundled CommonJS
 * dependencies that call it for Node built-ins; and the check that no forbidden runtime leaked in.
 */
import { build } from "esbuild";

export function bundle({ header, ...options }) {
  return build({
    ...options,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: false,
    keepNames: true,
    sourcemap: false,
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
    banner: {
      js: [...header, `import { createRequire as __pavedCreateRequire } from "node:module";`, `const require = __pavedCreateRequire(import.meta.url);`].join("\n"),
    },
  });
}

/** Exits when the bundle pulled in a package matching `forbidden`; returns the bundle's input paths. */
export function refuseLeaks(result, forbidden, what) {
  const inputs = Object.keys(result.metafile.inputs);
  const leaked = inputs.filter((p) => forbidden.test(p));
  if (leaked.length > 0) {
    console.error(`${what}: the bundle pulled in modules it must not ship:\n  ${leaked.slice(0, 10).join("\n  ")}`);
    process.exit(1);
  }
  return inputs;
}

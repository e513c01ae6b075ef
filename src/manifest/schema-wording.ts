/** What schema errors say about the manifest's own fields (passed to document/schema-errors.ts). */
import type { SchemaWording } from "../document/schema-errors.js";
import { show } from "../document/schema-errors.js";
import { cpuNumberHint } from "../document/hints.js";
import { patternWords } from "../document/pattern-words.js";

const MISSING_ADVICE: Record<string, string> = {
  apiVersion: "; add `apiVersion: paved.dev/v1`",
  owner: "; add `owner:` with your team's slug",
  services: "; add `services:` with at least one service",
  image: "; add `image:` with a reference like `ghcr.io/acme/api:1.0.0`",
  min: "; autoscaling needs both `min` and `max`",
  max: "; autoscaling needs both `min` and `max`",
  type: "; add `type:` with a dependency type from the org's catalog",
  key: "; add `key:` naming the secret in the secret store",
  path: "; add `path:`, like `/healthz`",
};

export const MANIFEST_WORDING: SchemaWording = {
  missingAdvice: MISSING_ADVICE,
  patternWords,
  special(error) {
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "const" && error.instancePath === "/apiVersion") {
      return {
        code: "unsupported-api-version",
        message: `unsupported apiVersion ${show(error.data)}; the supported version is \`${String(params.allowedValue)}\``,
      };
    }
    if ((error.keyword === "minProperties" || error.keyword === "maxProperties") && error.instancePath === "/services") {
      const count = typeof error.data === "object" && error.data !== null ? Object.keys(error.data).length : 0;
      return {
        code: "invalid-value",
        at: "key",
        message:
          error.keyword === "minProperties"
            ? "`services` must declare at least one service"
            : `\`services\` declares ${count} services; at most ${Number(params.limit)} are allowed in one manifest (split it across repositories)`,
      };
    }
    return undefined;
  },
  typeHint(field, data) {
    if (field === "cpu" && typeof data === "number") return `; ${cpuNumberHint(data)}`;
    if (field === "memory" && typeof data === "number" && Number.isInteger(data) && data > 0) return `; memory needs a unit: did you mean \`${data}Mi\`?`;
    return undefined;
  },
};

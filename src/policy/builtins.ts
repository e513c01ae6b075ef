/**
 * Built-in policies, each switchable off by id under `builtins:` in the org config:
 * `image-tag`, `image-registry`, `production-digest`, `env-secret-literal`.
 */
import { BUILTIN_POLICY_IDS, type BuiltinPolicyId } from "../config/declared-policies.js";
import type { ResolvedConfig } from "../config/types.js";
import type { Severity } from "../core/diagnostic.js";
import { parseImageReference } from "../core/image-ref.js";
import type { Unit } from "../core/unit.js";
import { listNames } from "../document/suggest.js";
import { secretLikeReason } from "./secret-literal.js";


/** A built-in policy's verdict on one unit, about one field of its spec. */
export interface PolicyFinding {
  code: string;
  severity: Severity;
  /** The unit spec field it is about (a JSON Pointer; "" for the unit as a whole). */
  field: string;
  /** Set when the field is not a spec field (owner, namespace): the manifest pointer to blame. */
  manifestPath?: string;
  /**
   * The sentence, or a sentence about some environments: units failing the same way at the same
   * place are reported once, naming all their environments ("in `staging` and `production`").
   */
  message: string | ((environments: string) => string);
}

/** The parts of an image reference the policies need, in the words their messages use (core/image-ref.ts parses). */
export interface ImageReference {
  /** Everything before the tag and digest: `ghcr.io/acme/api`. */
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(image: string): ImageReference {
  const { repository, ...rest } = parseImageReference(image);
  return { name: repository, ...rest };
}

type Builtin = (unit: Unit, config: ResolvedConfig) => PolicyFinding | PolicyFinding[] | undefined;

const imageTag: Builtin = (unit) => {
  const image = unit.spec.image;
  const reference = parseImage(image);
  if (reference.digest !== undefined) return undefined;
  if (reference.tag === undefined) {
    return {
      code: "image-tag",
      severity: "error",
      field: "/image",
      message: `image \`${image}\` names no tag or digest; add a tag like \`:1.0.0\` or a digest (\`@sha256:…\`)`,
    };
  }
  if (reference.tag === "latest") {
    return {
      code: "image-tag",
      severity: "error",
      field: "/image",
      message: `image \`${image}\` uses the \`latest\` tag, which changes under you; pin a version like \`${reference.name}:1.0.0\` or a digest`,
    };
  }
  return undefined;
};

/**
 * Whether `image` comes from an allowed entry, matched by whole path segments: `ghcr.io/acme` (with or
 * without the trailing slash) allows `ghcr.io/acme/api:1` but never `ghcr.io/acme-evil/api:1`. An entry
 * naming one image (`ghcr.io/acme/api`) also allows its tags and digests.
 */
export function fromRegistry(image: string, entry: string): boolean {
  const prefix = entry.replace(/\/+$/, "");
  if (prefix === "") return false;
  if (image.startsWith(`${prefix}/`)) return true;
  // A repository's tag or digest; on a bare host, `:` would start a port, which is another registry.
  return prefix.includes("/") && (image.startsWith(`${prefix}:`) || image.startsWith(`${prefix}@`));
}

const imageRegistry: Builtin = (unit, config) => {
  const image = unit.spec.image;
  if (config.registries.length === 0 || config.registries.some((entry) => fromRegistry(image, entry))) return undefined;
  return {
    code: "image-registry",
    severity: "error",
    field: "/image",
    message: `image \`${image}\` is not from an allowed registry; images must come from ${listNames(config.registries, "or")}`,
  };
};

const productionDigest: Builtin = (unit, config) => {
  const environment = config.environments.find((e) => e.name === unit.environment);
  if (!environment?.production) return undefined;
  const reference = parseImage(unit.spec.image);
  if (reference.digest !== undefined) return undefined;
  return {
    code: "production-digest",
    severity: "warning",
    field: "/image",
    message:
      `production images should be pinned by digest: write \`${reference.name}@sha256:…\`` +
      (reference.tag !== undefined ? ` (the tag \`${reference.tag}\` can be moved to another image)` : ""),
  };
};

const envSecretLiteral: Builtin = (unit) =>
  Object.keys(unit.spec.env)
    .sort()
    .flatMap((name): PolicyFinding[] => {
      const reason = secretLikeReason(name, unit.spec.env[name]!);
      if (reason === undefined) return [];
      return [
        {
          code: "env-secret-literal",
          severity: "error",
          field: `/env/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`,
          // Never the value: this message goes to check runs, comments and logs.
          message: `\`env.${name}\` is a literal that looks like a secret (${reason}): put the secret in the secret store and reference it under \`secrets:\` (\`${name}: { key: ${unit.owner}/…, property: … }\`); if it is not a secret, the org can switch this check off with \`builtins: { env-secret-literal: false }\``,
        },
      ];
    });

const BUILTINS: Record<BuiltinPolicyId, Builtin> = {
  "image-tag": imageTag,
  "image-registry": imageRegistry,
  "production-digest": productionDigest,
  "env-secret-literal": envSecretLiteral,
};

export function builtinFindings(unit: Unit, config: ResolvedConfig): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  for (const id of BUILTIN_POLICY_IDS) {
    if (config.builtins[id] === false) continue;
    const found = BUILTINS[id](unit, config);
    if (Array.isArray(found)) findings.push(...found);
    else if (found) findings.push(found);
  }
  return findings;
}

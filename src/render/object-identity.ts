/**
 * No two objects one render produces may share an identity — (cluster, namespace, group/kind,
 * name), Applications keyed beside Argo CD — whatever template (built-in or the org's) wrote them.
 * The built-in names are injective (core/names.ts); this catches an org template whose names are
 * not, before Argo CD would apply one object over the other.
 */
import type { RenderContext } from "./render-context.js";
import { templateFinding } from "./findings.js";

interface Placement {
  cluster: string;
  /** The namespace an object without `metadata.namespace` lands in. */
  namespace: string;
}

/** True (and reported) when one of `documents` has the identity of an object already rendered. */
export function objectsClash(ctx: RenderContext, documents: readonly unknown[], place: Placement, path: string, templateFile: string, subject: string): boolean {
  const keys: string[] = [];
  for (const document of documents) {
    const identity = identityOf(document, place);
    if (identity === undefined) continue;
    const first = ctx.objects.get(identity.key);
    if (first !== undefined && first !== path) {
      ctx.findings.add(
        templateFinding(
          templateFile,
          "render-duplicate-object",
          `${identity.text} is rendered twice, in ${first} and in ${path}; Argo CD would apply one over the other. Make the template's names unique (e.g. include {{service.name}})`,
        ),
        subject,
      );
      return true;
    }
    keys.push(identity.key);
  }
  for (const key of keys) ctx.objects.set(key, path);
  return false;
}

function identityOf(document: unknown, place: Placement): { key: string; text: string } | undefined {
  if (typeof document !== "object" || document === null) return undefined;
  const { apiVersion, kind, metadata } = document as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (typeof kind !== "string" || typeof metadata?.name !== "string") return undefined;
  const group = typeof apiVersion === "string" && apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : place.namespace;
  return {
    key: [place.cluster, namespace, group, kind, metadata.name].join("\0"),
    text: `${kind}${group ? `.${group}` : ""} ${namespace}/${metadata.name} on ${place.cluster}`,
  };
}

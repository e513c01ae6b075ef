/**
 * Ingress host + path are the one identity the manifest chooses freely (every other name is
 * derived injectively, see core/names.ts), and two Ingresses with one host and path on a cluster
 * let either take the other's traffic. So each unit with an ingress also writes a small claim file
 * whose *path* is the identity:
 *
 *   <directory>/.paved/ingress/<cluster>/<host>/<path>.yaml
 *
 * The file is owned like any unit file (listed in the source's index, deleted with the unit), so
 * the plan's ownership check — a file we would write that exists, is not ours and says another
 * source wrote it — is the uniqueness check against the whole GitOps tree, read from the tree's
 * listing alone. Inside one render, the second unit that wants a claimed path is refused.
 */
import { createHash } from "node:crypto";
import { clusterKey } from "../config/namespace-patterns.js";
import { bookkeepingPath, type SafePath } from "./layout.js";

export interface IngressClaim {
  /** Unsafe only if a host slipped past the manifest schema. */
  target: SafePath;
  content: string;
  host: string;
  /** Normalised: Prefix matching ignores a trailing slash, so `/api/` is `/api`. */
  route: string;
  cluster: string;
}

export function ingressClaim(directory: string, unit: { cluster: string; environment: string; service: string; owner: string }, ingress: { host: string; path: string }, source: string): IngressClaim {
  const route = normaliseRoute(ingress.path);
  const cluster = clusterKey(unit.cluster);
  const target = bookkeepingPath(directory, "ingress", clusterSegment(cluster), ingress.host, `${digest(route)}.yaml`);
  const content =
    `# Ingress ${ingress.host}${route} on ${unit.cluster} is routed by ${source}; written by Paved, do not edit.\n` +
    "# No other source can route this host and path on this cluster while this file exists.\n" +
    "apiVersion: paved.dev/v1\n" +
    "kind: IngressClaim\n" +
    `cluster: ${JSON.stringify(cluster)}\n` +
    `host: ${JSON.stringify(ingress.host)}\n` +
    `path: ${JSON.stringify(route)}\n` +
    `owner: ${JSON.stringify(unit.owner)}\n` +
    `unit: ${JSON.stringify(`${unit.environment}/${unit.service}`)}\n` +
    `paved.dev/source: ${JSON.stringify(source)}\n`;
  return { target, content, host: ingress.host, route, cluster };
}

export function normaliseRoute(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** Readable where it can be (the URL's host), exact by its hash. */
function clusterSegment(cluster: string): string {
  const host = /^[a-z]+:\/\/([^/:?#]+)/.exec(cluster)?.[1]?.replace(/[^a-z0-9.-]/g, "") || "cluster";
  return `${host}-${digest(cluster).slice(0, 8)}`;
}

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}

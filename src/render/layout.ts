/**
 * Where rendered files go in the GitOps repository:
 *   <directory>/<env>/<namespace>/<service>/{application.yaml, manifests/*.yaml, values.yaml}
 *   <directory>/projects/<owner>.yaml
 *   <directory>/catalog/<owner>/<service>.yaml
 * Every segment is checked before it is joined: names are schema-restricted upstream, and this is
 * the second fence that keeps a path from leaving its place (`..`, `/`, hidden files).
 */

const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;

export function isSafeSegment(value: string): boolean {
  return SAFE_SEGMENT.test(value) && !value.includes("..");
}

export type SafePath = { path: string } | { unsafe: string };

/** The joined path, or the first unsafe segment. */
export function joinSafe(segments: readonly string[]): SafePath {
  const unsafe = segments.find((segment) => !isSafeSegment(segment));
  return unsafe === undefined ? { path: segments.join("/") } : { unsafe };
}

/** The config's `directory` ("" = repository root: no leading slash) as segments. */
function root(directory: string): string[] {
  return directory.split("/").filter((part) => part !== "");
}

export function unitDir(directory: string, unit: { environment: string; namespace: string; service: string }): SafePath {
  return joinSafe([...root(directory), unit.environment, unit.namespace, unit.service]);
}

/** A file inside a unit directory: `application.yaml`, `values.yaml`, `manifests/<name>.yaml`. */
export function unitFile(dir: string, ...segments: string[]): SafePath {
  const joined = joinSafe(segments);
  return "path" in joined ? { path: `${dir}/${joined.path}` } : joined;
}

export function projectPath(directory: string, owner: string): SafePath {
  return joinSafe([...root(directory), "projects", `${owner}.yaml`]);
}

export function catalogPath(directory: string, owner: string, service: string): SafePath {
  return joinSafe([...root(directory), "catalog", owner, `${service}.yaml`]);
}

/** The Argo CD Notifications config Paved renders for the platform team (render-argocd.ts). */
export function notificationsPath(directory: string): SafePath {
  return joinSafe([...root(directory), "argocd", "argocd-notifications-cm.yaml"]);
}

/**
 * A bookkeeping file under `<directory>/.paved/` (hidden on purpose: no root Application includes
 * it). The segments after `.paved` are checked like any other.
 */
export function bookkeepingPath(directory: string, ...segments: string[]): SafePath {
  const joined = joinSafe(segments);
  return "path" in joined ? { path: [...root(directory), ".paved", joined.path].join("/") } : joined;
}

import type { Service } from "../generated/platform.js";

/**
 * A resolved service in one environment: base ⊕ environment override ⊕ defaults.
 * This is what policies judge and templates render.
 */
export interface ResolvedService extends Omit<Service, "enabled" | "ingress"> {
  replicas: number;
  cpu: string;
  memory: string;
  env: Record<string, string | number | boolean>;
  secrets: NonNullable<Service["secrets"]>;
  dependencies: NonNullable<Service["dependencies"]>;
  /** Present when the service has an ingress; the host is resolved from the environment's domain when not given. */
  ingress?: { host: string; path: string };
}

export interface Unit {
  owner: string;
  system?: string;
  lifecycle: "experimental" | "production" | "deprecated";
  service: string;
  environment: string;
  /** Kubernetes namespace after the config's pattern is applied. */
  namespace: string;
  /** Argo CD destination server. */
  cluster: string;
  /** The Argo CD project; absent: the owner's (previews have their own, src/previews/). */
  project?: string;
  /**
   * The pull request preview this unit renders in (src/previews/): its Application carries both as
   * labels, which is how an Argo CD event about it finds the preview's directory again.
   */
  preview?: { repositoryId: string; number: number };
  spec: ResolvedService;
  /**
   * Where each resolved field came from: a JSON Pointer relative to the unit spec
   * (`/replicas`, `/env/LOG_LEVEL`) → the JSON Pointer in the manifest the user wrote.
   * Fields absent here came from defaults; locate them at the service key.
   */
  origins: Record<string, string>;
}

export function unitKey(u: Pick<Unit, "environment" | "service">): string {
  return `${u.environment}/${u.service}`;
}

/* Generated from schemas/platform.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * The version of this contract. Only paved.dev/v1 is supported.
 */
export type ManifestVersion = "paved.dev/v1";
/**
 * The GitHub team slug (in this organisation) that owns these services: it becomes the Argo CD project and reviews production changes.
 */
export type OwningTeam = string;
/**
 * The Backstage System these services belong to.
 */
export type System = string;
/**
 * Backstage lifecycle of these services.
 */
export type Lifecycle = "experimental" | "production" | "deprecated";
/**
 * What this service does, in a sentence (shown in the catalog).
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "description".
 */
export type Description = string;
/**
 * An OCI image reference that names a tag or a digest, e.g. ghcr.io/acme/api:1.4.2 or ghcr.io/acme/api@sha256:…; there is no implicit latest.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "image".
 */
export type ContainerImage = string;
/**
 * Overrides the image's entrypoint.
 *
 * @maxItems 100
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "command".
 */
export type Command = string[];
/**
 * Arguments passed to the command.
 *
 * @maxItems 100
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "args".
 */
export type Arguments = string[];
/**
 * The HTTP port the container listens on. A service without a port is a worker: no Service, no Ingress, no HTTP probes.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "port".
 */
export type Port = number;
/**
 * Number of pods (0 to 50). With autoscaling it is the starting size only.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "replicas".
 */
export type Replicas = number;
/**
 * CPU requested per pod, in millicores (250m) or cores (0.5, 1).
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "cpu".
 */
export type CPURequest = string;
/**
 * Memory requested and limited per pod, in Ki, Mi, Gi or Ti (256Mi, 1Gi).
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "memory".
 */
export type Memory = string;
/**
 * A string, number or boolean (rendered as a string).
 */
export type Value = string | number | boolean;
/**
 * The key of the secret in the secret store, e.g. payments/stripe.
 */
export type Key = string;
/**
 * The property inside the secret, when it holds several values.
 */
export type Property = string;
/**
 * HTTP path of the health endpoint, e.g. /healthz.
 */
export type ProbePath = string;
/**
 * A lowercase RFC 1123 host name, e.g. api.payments.example.com.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "host".
 */
export type HostName = string;
/**
 * Path prefix routed to the service (default /).
 */
export type Path = string;
/**
 * At least 1.
 */
export type MinimumReplicas = number;
/**
 * At least min.
 */
export type MaximumReplicas = number;
/**
 * Target average CPU utilisation, 1 to 100.
 */
export type TargetCPU = number;
/**
 * A dependency type from the org config's catalog, e.g. postgres.
 */
export type Type = string;
/**
 * A size or class allowed for this type, e.g. small.
 */
export type Class = string;
/**
 * false: the service is not deployed (in that environment).
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "enabled".
 */
export type Enabled = boolean;
/**
 * What this service does, in a sentence (shown in the catalog). null removes it (falls back to the default).
 */
export type Description1 = Description | null;
/**
 * An OCI image reference that names a tag or a digest, e.g. ghcr.io/acme/api:1.4.2 or ghcr.io/acme/api@sha256:…; there is no implicit latest.
 */
export type ContainerImage1 = string;
/**
 * Overrides the image's entrypoint. null removes it (falls back to the default).
 */
export type Command1 = Command | null;
/**
 * Arguments passed to the command. null removes it (falls back to the default).
 */
export type Arguments1 = Arguments | null;
/**
 * The HTTP port the container listens on. A service without a port is a worker: no Service, no Ingress, no HTTP probes. null removes it (falls back to the default).
 */
export type Port1 = Port | null;
/**
 * Number of pods (0 to 50). With autoscaling it is the starting size only. null removes it (falls back to the default).
 */
export type Replicas1 = Replicas | null;
/**
 * CPU requested per pod, in millicores (250m) or cores (0.5, 1). null removes it (falls back to the default).
 */
export type CPURequest1 = CPURequest | null;
/**
 * Memory requested and limited per pod, in Ki, Mi, Gi or Ti (256Mi, 1Gi). null removes it (falls back to the default).
 */
export type Memory1 = Memory | null;
/**
 * Variables to add or change; null removes one.
 */
export type EnvironmentVariables1 = {
  [k: string]: string | number | boolean | null;
} | null;
/**
 * Secrets to add or change; null removes one.
 */
export type Secrets1 = {
  [k: string]: SecretReference | null;
} | null;
/**
 * HTTP readiness and liveness probes. Needs a port. null removes it (falls back to the default).
 */
export type HealthCheck1 = HealthCheck | null;
/**
 * Ingress fields to change; null removes the ingress.
 */
export type Ingress1 = {
  host?: HostName1;
  path?: Path1;
} | null;
/**
 * A lowercase RFC 1123 host name, e.g. api.payments.example.com.
 */
export type HostName1 = HostName | null;
/**
 * Path prefix routed to the service (default /).
 */
export type Path1 = HTTPPath | null;
/**
 * An HTTP path starting with /.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "httpPath".
 */
export type HTTPPath = string;
/**
 * Autoscaling fields to change; null removes autoscaling.
 */
export type Autoscaling1 = {
  min?: MinimumReplicas1;
  max?: MaximumReplicas1;
  cpu?: TargetCPU1;
} | null;
/**
 * At least 1.
 */
export type MinimumReplicas1 = number | null;
/**
 * At least min.
 */
export type MaximumReplicas1 = number | null;
/**
 * Target average CPU utilisation, 1 to 100.
 */
export type TargetCPU1 = number | null;
/**
 * Dependencies to add or change; null removes one.
 */
export type Dependencies1 = {
  [k: string]: {
    type?: Type1;
    class?: Class1;
    params?: Parameters1;
  } | null;
} | null;
/**
 * A dependency type from the org config's catalog, e.g. postgres.
 */
export type Type1 = string;
/**
 * A size or class allowed for this type, e.g. small.
 */
export type Class1 = string | null;
/**
 * Parameters to add or change; null removes one (or all).
 */
export type Parameters1 = {
  [k: string]: string | number | boolean | null;
} | null;
/**
 * false: the service is not deployed (in that environment).
 */
export type Enabled1 = boolean;
/**
 * Lowercase letters, digits and hyphens; starts and ends with a letter or digit; at most 40 characters.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "slug".
 */
export type TeamSlug = string;
/**
 * A DNS-1035 label of at most 40 characters: lowercase letters, digits and hyphens, starting with a letter.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "serviceName".
 */
export type ServiceName = string;
/**
 * An environment declared in the organisation's Paved config.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "environmentName".
 */
export type EnvironmentName = string;
/**
 * Letters, digits and underscores, not starting with a digit.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "envName".
 */
export type EnvironmentVariableName = string;

/**
 * How an application team describes its services to the platform (apiVersion paved.dev/v1). Paved validates this file on every pull request and deploys it when it reaches the default branch.
 */
export interface PlatformManifest {
  apiVersion: ManifestVersion;
  owner: OwningTeam;
  system?: System;
  lifecycle?: Lifecycle;
  services: Services;
  environments?: EnvironmentOverrides;
}
/**
 * The services of this repository, by name (1 to 100). A name is a DNS-1035 label of at most 40 characters.
 */
export interface Services {
  [k: string]: Service;
}
/**
 * One deployable service.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "service".
 */
export interface Service {
  description?: Description;
  image: ContainerImage;
  command?: Command;
  args?: Arguments;
  port?: Port;
  replicas?: Replicas;
  cpu?: CPURequest;
  memory?: Memory;
  env?: EnvironmentVariables;
  secrets?: Secrets;
  health?: HealthCheck;
  ingress?: Ingress;
  autoscaling?: Autoscaling;
  dependencies?: Dependencies;
  enabled?: Enabled;
}
/**
 * Plain environment variables. A value that is exactly ${dependencies.<dep>.<output>} is read from that dependency's connection secret; write $${ for a literal ${.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "env".
 */
export interface EnvironmentVariables {
  [k: string]: Value;
}
/**
 * Environment variables whose values come from the secret store, rendered as an ExternalSecret.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "secrets".
 */
export interface Secrets {
  [k: string]: SecretReference;
}
/**
 * A reference into the organisation's secret store; never a secret value.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "secretRef".
 */
export interface SecretReference {
  key: Key;
  property?: Property;
}
/**
 * HTTP readiness and liveness probes. Needs a port.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "health".
 */
export interface HealthCheck {
  path: ProbePath;
}
/**
 * Expose the service over HTTP. Needs a port. Without a host, the environment's default host {service}.{owner}.{domain} is used.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "ingress".
 */
export interface Ingress {
  host?: HostName;
  path?: Path;
}
/**
 * Horizontal pod autoscaling on CPU utilisation.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "autoscaling".
 */
export interface Autoscaling {
  min: MinimumReplicas;
  max: MaximumReplicas;
  cpu?: TargetCPU;
}
/**
 * Infrastructure by name; its outputs are available as ${dependencies.<name>.<output>} in env.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "dependencies".
 */
export interface Dependencies {
  [k: string]: Dependency;
}
/**
 * Infrastructure this service needs, from the organisation's dependency catalog.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "dependency".
 */
export interface Dependency {
  type: Type;
  class?: Class;
  params?: Parameters;
}
/**
 * Extra parameters passed to the claim.
 */
export interface Parameters {
  [k: string]: string | number | boolean;
}
/**
 * Per-environment changes to services. Each environment must be declared in the organisation's Paved config.
 */
export interface EnvironmentOverrides {
  [k: string]: Environment;
}
/**
 * Overrides for one environment.
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "environment".
 */
export interface Environment {
  services?: ServiceOverrides;
}
/**
 * Partial services by name; each must name a service declared under services.
 */
export interface ServiceOverrides {
  [k: string]: ServiceOverride;
}
/**
 * A partial service merged into the base service for this environment (JSON Merge Patch: objects merge, scalars and arrays replace, null removes).
 *
 * This interface was referenced by `PlatformManifest`'s JSON-Schema
 * via the `definition` "serviceOverride".
 */
export interface ServiceOverride {
  description?: Description1;
  image?: ContainerImage1;
  command?: Command1;
  args?: Arguments1;
  port?: Port1;
  replicas?: Replicas1;
  cpu?: CPURequest1;
  memory?: Memory1;
  env?: EnvironmentVariables1;
  secrets?: Secrets1;
  health?: HealthCheck1;
  ingress?: Ingress1;
  autoscaling?: Autoscaling1;
  dependencies?: Dependencies1;
  enabled?: Enabled1;
}

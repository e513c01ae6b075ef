import type { ResolvedConfig } from "../config/types.js";

/**
 * The org's link patterns (`links:` in the config) for one deployed unit: {service}, {env},
 * {owner} and {namespace} are replaced, URL-encoded.
 */
export function unitLinks(
  config: Pick<ResolvedConfig, "links">,
  unit: { environment: string; service: string; owner?: string; namespace?: string },
): Record<string, string> {
  const values: Record<string, string> = {
    service: unit.service,
    env: unit.environment,
    owner: unit.owner ?? "",
    namespace: unit.namespace ?? "",
  };
  const links: Record<string, string> = {};
  for (const [label, pattern] of Object.entries(config.links)) {
    links[label] = pattern.replace(/\{(service|env|owner|namespace)\}/g, (_, key: string) => encodeURIComponent(values[key]!));
  }
  return links;
}

/** The key reports use for a unit's links. */
export function linkKey(unit: { environment: string; service: string }): string {
  return `${unit.environment}/${unit.service}`;
}

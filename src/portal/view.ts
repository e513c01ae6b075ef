import { compareStrings as compare } from "../plan/compare.js";
import { imageVersion } from "../core/image-ref.js";
import type { DeliveryState, DeploymentFact } from "../metrics/deployment-facts.js";
import type { PortalFacts, PreviewFact, ServiceUnit } from "./facts.js";

/**
 * What the page shows, computed from the facts: services grouped by team, and per service and
 * environment what runs there and how it got there. Links are paths inside the portal (`href`) or
 * the URLs the facts carry; rendering only escapes and lays out.
 */
export interface Cell {
  environment: string;
  version?: string;
  image?: string;
  state: DeliveryState | "unknown";
  /** Argo CD's last words on the latest deployment, when it reported. */
  detail?: string;
  lastChange?: DeploymentFact;
  url?: string;
  links: Array<{ label: string; href: string }>;
}

export interface ServiceRow {
  repository: string;
  team: string;
  service: string;
  href: string;
  /** One per environment of the facts, in promotion order; null where the service does not run. */
  cells: Array<Cell | null>;
}

export interface Overview {
  environments: PortalFacts["environments"];
  teams: Array<{ team: string; services: ServiceRow[] }>;
  previews: PreviewFact[];
  feedback: boolean;
  origin: string;
}

export interface ServicePage {
  row: ServiceRow;
  environments: PortalFacts["environments"];
  /** Newest first, every environment. */
  history: DeploymentFact[];
  previews: PreviewFact[];
  feedback: boolean;
  origin: string;
}

export function servicePath(repository: string, service: string): string {
  return `/portal/services/${repository.split("/").map(encodeURIComponent).join("/")}/${encodeURIComponent(service)}`;
}

export function overview(facts: PortalFacts): Overview {
  const rows = serviceRows(facts);
  const teams = [...new Set(rows.map((r) => r.team))].sort(compare);
  return {
    environments: facts.environments,
    teams: teams.map((team) => ({ team, services: rows.filter((r) => r.team === team) })),
    previews: [...facts.previews].sort((a, b) => b.updatedAt - a.updatedAt),
    feedback: facts.feedback,
    origin: facts.origin,
  };
}

/** Null when the viewer cannot see such a service (or it does not exist: the same answer). */
export function servicePage(facts: PortalFacts, repository: string, service: string): ServicePage | null {
  const row = serviceRows(facts).find((r) => r.repository.toLowerCase() === repository.toLowerCase() && r.service === service);
  if (!row) return null;
  const mine = (d: { repository: string; service: string }) => d.repository.toLowerCase() === row.repository.toLowerCase() && d.service === service;
  return {
    row,
    environments: facts.environments,
    history: facts.deployments.filter(mine).sort(newestFirst),
    previews: facts.previews.filter((p) => p.repository.toLowerCase() === row.repository.toLowerCase() && (p.services.length === 0 || p.services.includes(service))),
    feedback: facts.feedback,
    origin: facts.origin,
  };
}

function serviceRows(facts: PortalFacts): ServiceRow[] {
  const keys = new Map<string, { repository: string; team: string; service: string }>();
  for (const u of facts.units) keys.set(key(u), { repository: u.repository, team: u.team, service: u.service });
  return [...keys.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([k, s]) => ({
      ...s,
      href: servicePath(s.repository, s.service),
      cells: facts.environments.map((env) => {
        const unit = facts.units.find((u) => key(u) === k && u.environment === env.name);
        return unit ? cellOf(unit, facts.deployments) : null;
      }),
    }))
    .sort((a, b) => compare(a.service, b.service) || compare(a.repository, b.repository));
}

function cellOf(unit: ServiceUnit, deployments: DeploymentFact[]): Cell {
  const last = deployments.filter((d) => key(d) === key(unit) && d.environment === unit.environment && d.action !== "delete").sort(newestFirst)[0];
  const status = last?.statuses.at(-1);
  const cell: Cell = {
    environment: unit.environment,
    state: last ? (status?.state ?? "committed") : "unknown",
    links: Object.entries(unit.links).map(([label, href]) => ({ label, href })),
  };
  if (unit.image) {
    cell.image = unit.image;
    cell.version = imageVersion(unit.image);
  }
  if (status?.description) cell.detail = status.description;
  if (last) cell.lastChange = last;
  if (unit.url) cell.url = unit.url;
  return cell;
}

function key(u: { repository: string; service: string }): string {
  return `${u.repository.toLowerCase()}/${u.service}`;
}

function newestFirst(a: DeploymentFact, b: DeploymentFact): number {
  return b.committedAt - a.committedAt || compare(a.environment, b.environment);
}

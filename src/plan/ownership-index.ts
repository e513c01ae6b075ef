// js-yaml, not `yaml`: its dump is the byte format Paved's files already have in GitOps repositories (a new emitter would rewrite them);
// index-yaml.ts writes those same bytes faster, index-yaml-read.ts reads them back faster.
import { load } from "js-yaml";
import { dumpIndexYaml } from "./index-yaml.js";
import { readIndexYaml } from "./index-yaml-read.js";
import type { ResolvedConfig } from "../config/types.js";
import type { RenderResult, Source } from "../core/files.js";
import { unitKey, type Unit } from "../core/unit.js";
import { compareStrings as compare } from "./compare.js";
import type { DeployAction, Deployed } from "./promotion.js";
import { indexPath } from "./paths.js";
import { setOwn } from "./records.js";
import type { UnitState } from "./unit-state.js";
import { envDigest, unitState } from "./unit-state.js";
import { SERVICE_DEFAULTS } from "../manifest/service-defaults.js";

/**
 * The ownership index: one file per source repository in the GitOps repository listing every file
 * that source owns, so a later plan knows what to delete and what belongs to someone else, and
 * a small state per unit for plan summaries. It is part of the desired file set.
 */
export interface IndexFile {
  path: string;
  content: string;
  /**
   * The index `content` was written from, kept so a plan need not build or parse it again: its units
   * (with their states), files and catalog. The `commit` and `deployed` records a plan adds later
   * live in `content` only.
   */
  built: OwnershipIndex;
}

export interface IndexedUnit {
  environment: string;
  namespace: string;
  service: string;
  files: string[];
  /** Absent when an index was written without it (or by hand); summaries then say less. */
  state?: UnitState;
}

export interface OwnershipIndex {
  source: string;
  /**
   * The source commit these files were last applied from. A push applies only a descendant of it (or
   * the default branch's head), so a late or replayed delivery never rolls the GitOps repository back.
   */
  commit?: string;
  /** The repository's id (see `Source.id`); absent in indexes of sources without one, and in those written before ids. */
  id?: string;
  units: IndexedUnit[];
  /** Owned files outside unit directories (Backstage catalog entries). */
  catalog: string[];
  /** Per environment, the source commit deployed there (see promotion.ts); absent in indexes written before promotion. */
  deployed?: Deployed;
}

const API_VERSION = "paved.dev/v1";
const KIND = "SourceIndex";
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The index text with `commit` as the source commit it records, the rest byte for byte as it was (an
 * index as `formatIndex` writes it: top-level keys unindented, `commit` right after `source`).
 */
export function withRecordedCommit(content: string, commit: string | undefined): string {
  const without = content.replace(/^commit: [0-9a-f]{40}\n/m, "");
  return commit === undefined ? without : without.replace(/^(source: .*\n)/m, `$1commit: ${commit}\n`);
}

/** The index for a rendered manifest; null when the source owns nothing (manifest removed, no units). */
export function buildIndex(units: Unit[], rendered: RenderResult, source: Source, config: ResolvedConfig): IndexFile | null {
  const index = buildOwnershipIndex(units, rendered, source);
  return index && { path: indexPath(config, source), content: formatIndex(index), built: index };
}

export function buildOwnershipIndex(units: Unit[], rendered: RenderResult, source: Source): OwnershipIndex | null {
  if (rendered.owned.length === 0 && rendered.units.length === 0) return null;
  const byKey = new Map(units.map((u) => [unitKey(u), u]));
  const inUnits = new Set<string>();
  const indexed = [...rendered.units]
    .sort((a, b) => compare(a.environment, b.environment) || compare(a.service, b.service))
    .map((r) => {
      for (const p of r.paths) inUnits.add(p);
      const unit = byKey.get(unitKey(r));
      const entry: IndexedUnit = {
        environment: r.environment,
        namespace: r.namespace,
        service: r.service,
        files: [...r.paths].sort(compare),
      };
      if (unit) entry.state = unitState(unit);
      return entry;
    });
  const catalog = rendered.owned.filter((p) => !inUnits.has(p)).sort(compare);
  return { source: source.repository, ...(source.id !== undefined ? { id: source.id } : {}), units: indexed, catalog };
}

export function formatIndex(index: OwnershipIndex): string {
  const id = index.id === undefined ? {} : { id: index.id };
  const deployed = index.deployed && Object.keys(index.deployed).length > 0 ? { deployed: index.deployed } : {};
  const doc = { apiVersion: API_VERSION, kind: KIND, source: index.source, ...(index.commit ? { commit: index.commit } : {}), ...id, units: index.units, catalog: index.catalog, ...deployed };
  return (
    `# Files in this repository owned by ${index.source}${index.id === undefined ? "" : ` (repository id ${index.id})`}, written by Paved on every apply.\n` +
    "# Paved deletes only files listed here; do not edit by hand.\n" +
    dumpIndexYaml(doc)
  );
}

/**
 * The index text recording `deployed`, the rest byte for byte as it was (`formatIndex` writes
 * `deployed` last, so the block runs to the end of the file).
 */
export function withDeployed(content: string, deployed: Deployed | undefined): string {
  const without = content.replace(/^deployed:\n[\s\S]*$/m, "");
  if (!deployed || Object.keys(deployed).length === 0) return without;
  return without + dumpIndexYaml({ deployed });
}

export function hasDeployedRecord(content: string): boolean {
  return /^deployed:$/m.test(content);
}

/** Every file the index claims, the index itself excluded. */
export function ownedPaths(index: OwnershipIndex): Set<string> {
  const owned = new Set(index.catalog);
  for (const unit of index.units) for (const p of unit.files) owned.add(p);
  return owned;
}

/** Reads an index back; throws with a reason when the file is not one (hand-edited, corrupted). */
export function parseIndex(content: string): OwnershipIndex {
  const doc = readIndexYaml(content) ?? load(content);
  if (!isRecord(doc) || doc.kind !== KIND || typeof doc.source !== "string") {
    throw new Error(`not a Paved ${KIND} (expected kind: ${KIND} and a source)`);
  }
  const units = doc.units ?? [];
  const catalog = doc.catalog ?? [];
  if (!Array.isArray(units) || !isStringList(catalog)) throw new Error("units and catalog must be lists");
  if (doc.id !== undefined && typeof doc.id !== "string" && typeof doc.id !== "number") throw new Error("id must be a string");
  return {
    source: doc.source,
    ...(typeof doc.commit === "string" && COMMIT.test(doc.commit) ? { commit: doc.commit } : {}),
    ...(doc.id !== undefined ? { id: String(doc.id) } : {}),
    units: units.map((u, i) => {
      if (!isRecord(u) || typeof u.environment !== "string" || typeof u.service !== "string" || !isStringList(u.files)) {
        throw new Error(`units[${i}] needs environment, service and files`);
      }
      const entry: IndexedUnit = {
        environment: u.environment,
        namespace: typeof u.namespace === "string" ? u.namespace : "",
        service: u.service,
        files: u.files,
      };
      const state = readState(u.state);
      if (state) entry.state = state;
      return entry;
    }),
    catalog,
    ...readDeployed(doc.deployed),
  };
}

const ACTIONS: readonly string[] = ["merge", "promote", "rollback"];

/** Only well-formed records count: a hand-edited entry is dropped (its environment then follows merges again). */
function readDeployed(value: unknown): { deployed?: Deployed } {
  if (!isRecord(value)) return {};
  const deployed: Deployed = {};
  for (const [environment, entry] of Object.entries(value)) {
    if (!isRecord(entry) || typeof entry.commit !== "string" || !COMMIT.test(entry.commit)) continue;
    const previous = isStringList(entry.previous) ? entry.previous.filter((c) => COMMIT.test(c)) : [];
    const action = typeof entry.action === "string" && ACTIONS.includes(entry.action) ? (entry.action as DeployAction) : "merge";
    setOwn(deployed, environment, { commit: entry.commit, action, held: entry.held === true, previous });
  }
  return Object.keys(deployed).length > 0 ? { deployed } : {};
}

/** Accepts a recorded state only when it has the shape summaries rely on. */
function readState(value: unknown): UnitState | undefined {
  if (!isRecord(value)) return undefined;
  const { image, replicas, cpu, memory } = value;
  if (typeof image !== "string" || typeof replicas !== "number" || typeof cpu !== "string" || typeof memory !== "string") {
    return undefined;
  }
  const state: UnitState = {
    image,
    replicas,
    cpu,
    memory,
    env: digested(stringRecord(value.env)),
    secrets: stringRecord(value.secrets),
    dependencies: stringRecord(value.dependencies),
  };
  const scaling = value.autoscaling;
  if (isRecord(scaling) && typeof scaling.min === "number" && typeof scaling.max === "number") {
    state.autoscaling = { min: scaling.min, max: scaling.max, cpu: typeof scaling.cpu === "number" ? scaling.cpu : SERVICE_DEFAULTS.autoscalingCpu };
  }
  if (typeof value.port === "number") state.port = value.port;
  if (typeof value.host === "string") state.host = value.host;
  if (typeof value.path === "string") state.path = value.path;
  return state;
}

function digested(env: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(env)) setOwn(env, name, envDigest(env[name]!));
  return env;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") setOwn(out, key, String(v));
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

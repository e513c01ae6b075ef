/** `paved init`: a commented starter platform.yaml that passes the org's checks as written. */
import { writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors } from "../core/diagnostic.js";
import { installedSchemaPath, schemaUrl } from "../core/schema-location.js";
import { checkManifestAndPolicies } from "../policy/checked-manifest.js";
import { parseCommandArgs, type Command } from "./args.js";
import { CliError, DEFAULT_MANIFEST, displayPath, formatText, loadCliConfig, summaryLine, writeDiagnostics, type Io } from "./io.js";
import { EXIT_FAILED, EXIT_USAGE, exitCodeFor } from "./exit.js";

const OWNER = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
const SERVICE = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

export const initCommand: Command = {
  summary: "Write a commented starter platform.yaml",
  usage: `Usage: paved init [FILE] [--owner TEAM] [--service NAME] [--config FILE] [--force]

Writes a starter manifest (default: platform.yaml) with one service, comments on every field and
the yaml-language-server modeline that gives editors completion and checks. It follows the org
config (environments, allowed registries, dependency catalog) and passes \`paved validate\` as written.
A new service starts outside production: the file says what production asks for before it goes there.

Options:
  --owner TEAM     the owning team's GitHub team slug (default: my-team)
  --service NAME   the service's name (default: the current folder's name, else app)
  --config FILE    the org config (default: .github/paved.yml when present, else built-in defaults)
  --force          overwrite FILE if it exists
  -h, --help       show this help

Exit status: 0 written and valid, 1 written but the org config's rules find problems (or the org
config itself has errors: nothing written), 2 usage or I/O problems (FILE exists without --force).
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      "init",
      args,
      { owner: { type: "string" }, service: { type: "string" }, config: { type: "string" }, force: { type: "boolean" } },
      1,
    );
    const owner = typeof values.owner === "string" ? values.owner : "my-team";
    if (!OWNER.test(owner)) {
      throw new CliError(`paved init: \`--owner\` must be a GitHub team slug (lowercase letters, digits and dashes, at most 40), not \`${owner}\``, EXIT_USAGE);
    }
    const service = typeof values.service === "string" ? values.service : serviceFromFolder(io.cwd);
    if (!SERVICE.test(service)) {
      throw new CliError(`paved init: \`--service\` must start with a letter and hold only lowercase letters, digits and dashes (at most 40), not \`${service}\``, EXIT_USAGE);
    }
    const loaded = await loadCliConfig(io, typeof values.config === "string" ? values.config : undefined);
    if (!loaded.config || hasErrors(loaded.diagnostics)) {
      writeDiagnostics(io, "text", loaded.diagnostics, `${loaded.file ?? "the org config"}: has errors; nothing written`);
      return EXIT_FAILED;
    }
    const path = positionals[0] ?? DEFAULT_MANIFEST;
    const file = displayPath(io, path);
    const text = starterManifest({ owner, service, config: loaded.config });
    try {
      await writeFile(resolve(io.cwd, path), text, { encoding: "utf8", flag: values.force === true ? "w" : "wx" });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw new CliError(`paved init: \`${file}\` already exists; pass --force to overwrite it`, EXIT_USAGE);
      throw new CliError(`paved init: cannot write \`${file}\`: ${code === "ENOENT" ? "its folder does not exist" : (error as Error).message}`, EXIT_USAGE);
    }
    const check = checkManifestAndPolicies(text, file, loaded.config);
    io.stdout.write(`Wrote ${file}: service \`${service}\` owned by \`${owner}\`${loaded.file ? `, following ${loaded.file}` : ""}.\n`);
    io.stdout.write(formatText(check.diagnostics, io.color === true) + summaryLine(check.diagnostics, file, check.units.length) + "\n");
    if (owner === "my-team" && values.owner === undefined) io.stdout.write(`Set \`owner\` to your team's GitHub slug (or run again with --owner TEAM --force).\n`);
    return exitCodeFor(check.diagnostics);
  },
};

/** The current folder's name as a service name, when it can be one. */
function serviceFromFolder(cwd: string): string {
  const name = basename(cwd)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return SERVICE.test(name) ? name : "app";
}

/** An image name the org's registries allow: the first allowed prefix, else GitHub's registry under the team. */
function starterImage(owner: string, service: string, registries: readonly string[]): string {
  const prefix = registries[0];
  if (prefix === undefined) return `ghcr.io/${owner}/${service}:0.1.0`;
  return `${prefix}${prefix.endsWith("/") ? "" : "/"}${service}:0.1.0`;
}

export interface StarterOptions {
  owner: string;
  service: string;
  config: ResolvedConfig;
}

/** The starter manifest's text: every line either a field that validates or a comment. */
export function starterManifest({ owner, service, config }: StarterOptions): string {
  const image = starterImage(owner, service, config.registries);
  const domain = config.environments.find((e) => e.domain)?.domain;
  const production = config.environments.filter((e) => e.production);
  const [dependencyType, dependency] = Object.entries(config.dependencies)[0] ?? [];
  const dependencyClass = dependency?.classes[0];
  const output = dependency?.outputs.includes("url") ? "url" : dependency?.outputs[0];
  const lines = [
    `# yaml-language-server: $schema=${schemaUrl("platform")}`,
    "# platform.yaml: how the platform runs this repository's services (paved.dev/v1).",
    "# The line above lets editors with the YAML language server complete and check this file. Offline, point",
    `# it at the installed package's copy, ${installedSchemaPath("platform")}, or at the file`,
    "# `npx paved schema > platform.schema.json` writes.",
    "# Check it with `npx paved validate`; a pull request that changes it gets Paved's plan as a comment,",
    "# and merging it deploys.",
    "apiVersion: paved.dev/v1",
    commented(`owner: ${owner}`, "your team's GitHub team slug: it owns these services"),
    commented("# system: my-system", "optional: the Backstage System these services belong to"),
    commented("# lifecycle: experimental", "experimental | production (the default) | deprecated"),
    "services:",
    commented(`  ${service}:`, "the service's name: lowercase letters, digits and dashes"),
    `    description: What ${service} does, in one line`,
    commented(`    image: ${image}`, "a tag or a digest; never latest"),
    commented("    port: 8080", "remove for a worker: no Service, no Ingress, no HTTP probes"),
    commented("    replicas: 1", "the starting size when autoscaling is set"),
    commented("    cpu: 100m", "requested: 100m is a tenth of a core"),
    commented("    memory: 128Mi", "Mi or Gi (not MB)"),
    "    env:",
    "      LOG_LEVEL: info",
    "    health:",
    commented("      path: /healthz", "readiness and liveness probes (needs port)"),
    domain
      ? commented("    # ingress: {}", `expose it at ${service}.${owner}.<environment domain>, e.g. ${service}.${owner}.${domain}`)
      : commented(`    # ingress: { host: ${service}.example.com }`, "expose it (needs port)"),
    "    # autoscaling: { min: 2, max: 5, cpu: 80 }",
    commented("    # secrets:", "read from the org's secret store: a reference, never a value"),
    `    #   API_TOKEN: { key: ${owner}/${service}, property: token }`,
    ...(dependencyType
      ? [
          commented("    # dependencies:", `infrastructure from the org's catalog: ${Object.keys(config.dependencies).join(", ")}`),
          `    #   db: { type: ${dependencyType}${dependencyClass ? `, class: ${dependencyClass}` : ""} }`,
          ...(output ? [`    #   …then in env:  DATABASE_URL: \${dependencies.db.${output}}`] : []),
        ]
      : [commented("    # dependencies: {}", "the org config's catalog lists none yet")]),
  ];
  if (production.length > 0) {
    lines.push(
      commented("environments:", "changes per environment, merged into the service (null removes a field)"),
      ...production.flatMap((environment) => [
        `  ${environment.name}:`,
        "    services:",
        `      ${service}:`,
        commented("        enabled: false", "not in production yet. To go there, delete this line, pin the"),
        commented("", "image by digest (image: …@sha256:…) and run at least 2 replicas."),
      ]),
    );
  } else {
    lines.push(
      commented("# environments:", "changes per environment, merged into the service (null removes a field)"),
      `#   ${config.environments[0]?.name ?? "staging"}:`,
      "#     services:",
      `#       ${service}: { replicas: 2 }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `code   # comment`, the comments aligned at one column while the code is short enough. */
function commented(code: string, comment: string): string {
  return `${code}${" ".repeat(Math.max(1, 30 - code.length))}# ${comment}`;
}

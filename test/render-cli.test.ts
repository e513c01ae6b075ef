// `paved render`: the real CLI over temp folders.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exampleConfigText, exampleManifest } from "./manifest-fixtures.js";

const MULTI_TEAM = fileURLToPath(new URL("../examples/multi-team/", import.meta.url));
import { runCli, type CliResult } from "./support/cli-world.js";

const GOLDEN = fileURLToPath(new URL("./golden/manifests/", import.meta.url));

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "paved-render-"));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function write(path: string, text: string): void {
  mkdirSync(dirname(join(cwd, path)), { recursive: true });
  writeFileSync(join(cwd, path), text);
}

function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

function paved(...argv: string[]): Promise<CliResult> {
  return runCli(argv, { cwd });
}

describe("paved render", () => {
  it("writes the GitOps tree for the shared example, identical to the golden files", async () => {
    write("platform.yaml", exampleManifest);
    write(".github/paved.yml", exampleConfigText);
    const { code, stdout, stderr } = await paved("render", "--out", "out", "--source", "acme/payments");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("platform.yaml: wrote 20 files for 3 units to out");
    const golden = tree(GOLDEN).filter((path) => path !== "_result.json");
    expect(tree(join(cwd, "out"))).toEqual(golden);
    for (const path of golden) expect(readFileSync(join(cwd, "out", path), "utf8")).toBe(readFileSync(join(GOLDEN, path), "utf8"));
  });

  it("renders nothing and exits 1 for an invalid manifest", async () => {
    write("platform.yaml", "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    replica: 2\n");
    write(".github/paved.yml", exampleConfigText);
    const { code, stdout } = await paved("render", "--out", "out");
    expect(code).toBe(1);
    expect(stdout).toMatch(/platform\.yaml:6:5: error: .*replica/);
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  it("exits 2 on usage problems", async () => {
    write("platform.yaml", "apiVersion: paved.dev/v1\nowner: web\nservices:\n  site:\n    image: nginx:1.27\n");
    expect((await paved("render")).code).toBe(2);
    expect((await paved("render", "--out", "o", "--source", "not a repo")).code).toBe(2);
    expect((await paved("render", "missing.yaml", "--out", "o", "--gitops-repo", "https://x/y.git")).code).toBe(2);
  });

  it("paved init then paved render works on the built-in config, naming the guessed GitOps repository", async () => {
    expect((await paved("init", "--owner", "web", "--service", "site")).code).toBe(0);
    const { code, stdout, stderr } = await paved("render", "--out", "out", "--source", "acme/site");
    expect(code).toBe(0);
    expect(stdout).toContain("platform.yaml: wrote");
    expect(stderr).toBe("note: platform.yaml: the Applications name https://github.com/acme/gitops.git as their GitOps repository (the built-in config sets no `gitops.repository`); set it in the org config, or pass --gitops-repo URL\n");
    const app = readFileSync(join(cwd, "out/staging/web-staging/site/application.yaml"), "utf8");
    expect(app).toContain("repoURL: \"https://github.com/acme/gitops.git\"");
  });

  it("works with the built-in config when given the GitOps repository URL", async () => {
    write("platform.yaml", "apiVersion: paved.dev/v1\nowner: web\nservices:\n  site:\n    image: nginx:1.27\n    port: 80\n");
    const { code, stdout } = await paved("render", "--out", "out", "--gitops-repo", "https://git.example.com/gitops.git");
    expect(stdout).toContain("wrote");
    expect(code).toBe(0);
    const paths = tree(join(cwd, "out"));
    expect(paths).toContain("staging/web-staging/site/manifests/deployment.yaml");
    expect(paths).toContain("projects/web.yaml");
    const app = readFileSync(join(cwd, "out/production/web-production/site/application.yaml"), "utf8");
    expect(app).toContain('repoURL: "https://git.example.com/gitops.git"');
    const deployment = readFileSync(join(cwd, "out/staging/web-staging/site/manifests/deployment.yaml"), "utf8");
    expect(deployment).toContain(`"paved.dev/source": "local/${cwd.split("/").pop()!.replace(/[^A-Za-z0-9._-]/g, "-")}"`);
  });

  it("refuses to follow a symlink out of the output folder", async () => {
    write("platform.yaml", exampleManifest);
    write(".github/paved.yml", exampleConfigText);
    const outside = mkdtempSync(join(tmpdir(), "paved-outside-"));
    try {
      mkdirSync(join(cwd, "out"));
      symlinkSync(outside, join(cwd, "out", "staging"));
      const { code, stderr } = await paved("render", "--out", "out");
      expect(code).toBe(2);
      expect(stderr).toMatch(/refusing to write `staging\/.*`staging` is a link out of/);
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("refuses to overwrite a file that is a symlink", async () => {
    write("platform.yaml", exampleManifest);
    write(".github/paved.yml", exampleConfigText);
    const outside = join(cwd, "secret.txt");
    writeFileSync(outside, "keep");
    mkdirSync(join(cwd, "out/projects"), { recursive: true });
    symlinkSync(outside, join(cwd, "out/projects/payments.yaml"));
    const { code, stderr } = await paved("render", "--out", "out");
    expect(code).toBe(2);
    expect(stderr).toContain("symbolic link");
    expect(readFileSync(outside, "utf8")).toBe("keep");
  });

  it("uses the config's templates folder (relative to the config file) and exits 1 on a broken template", async () => {
    write("platform.yaml", exampleManifest);
    write(".github/paved.yml", `${exampleConfigText}\nrender:\n  mode: manifests\n  templates: paved-templates\n`.replace(/^render:\n  mode: manifests[\s\S]*?(?=^argocd:)/m, ""));
    write(".github/paved-templates/configmap.yaml.hbs", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{concat service.name \"-config\"}}\n");
    const ok = await paved("render", "--out", "out");
    expect(ok.stdout + ok.stderr).toContain("wrote");
    expect(ok.code).toBe(0);
    expect(readFileSync(join(cwd, "out/staging/payments-staging/api/manifests/configmap.yaml"), "utf8")).toContain('name: "api-config"');

    write(".github/paved-templates/service.yaml.hbs", "kind: {{nope}\n");
    const broken = await paved("render", "--out", "out2");
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/paved-templates\/service\.yaml\.hbs:1:1: error: .*does not compile/);
    expect(existsSync(join(cwd, "out2"))).toBe(false);
  });

  it("a config problem the render finds is located in the config file it loaded, at the field (no longer .github/paved.yml:1:1)", async () => {
    const helm = readFileSync(join(MULTI_TEAM, "paved-helm.yml"), "utf8");
    write("platform.yaml", readFileSync(join(MULTI_TEAM, "payments.platform.yaml"), "utf8"));
    write("helm.yml", helm);
    // Valid JSON, but not a schema Ajv compiles: the loader reads it, the render step refuses it.
    write("values.schema.json", '{ "type": "object", "properties": { "replicas": { "type": "integr" } } }');
    const { code, stdout } = await paved("render", "--config", "helm.yml", "--out", "out");
    expect(code).toBe(1);
    const line = helm.split("\n").findIndex((l) => l.includes("valuesSchema:")) + 1;
    expect(line).toBeGreaterThan(1);
    expect(stdout).toMatch(new RegExp(`^helm\\.yml:${line}:\\d+: error: the chart's values\\.schema\\.json does not compile: .* \\[render-invalid-values-schema\\]$`, "m"));
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  it("a template that fails while rendering points at the template file and the line that failed", async () => {
    write("platform.yaml", exampleManifest);
    write(".github/paved.yml", `${exampleConfigText}\nrender:\n  mode: manifests\n  templates: paved-templates\n`.replace(/^render:\n  mode: manifests[\s\S]*?(?=^argocd:)/m, ""));
    write(".github/paved-templates/configmap.yaml.hbs", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{service.nickname}}\n");
    const { code, stdout } = await paved("render", "--out", "out");
    expect(code).toBe(1);
    // Org templates are named by their path on disk; the position is Handlebars' own.
    expect(stdout).toMatch(/\/\.github\/paved-templates\/configmap\.yaml\.hbs:4:11: error: template \S+configmap\.yaml\.hbs failed: \{\{nickname\}\} is not in the view model/m);
  });
});

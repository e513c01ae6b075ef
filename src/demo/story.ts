/**
 * The demo's story, told with real repositories and the real core: a team's pull requests to
 * platform.yaml, the plan comment each would get, the GitOps commits their merges produce, a policy
 * stopping a bad change, and a removed service taking exactly its own files with it.
 *
 * Every step checks that it did what the story says (`expect`): the demo is also a smoke test.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import { parseArgoEvent, type ArgoEvent } from "../feedback/argocd-event.js";
import { replayEvents } from "../feedback/replay.js";
import { localHistory, localTouching } from "../gitops/history.js";
import { packagePath, readPackageText } from "../core/package-root.js";
import type { DeployOutcome } from "../flows/deploy.js";
import { deploymentLog } from "../gitops/history.js";
import { deploymentHistory, historyText } from "../report/history.js";
import { notificationsPath } from "../render/layout.js";
import type { Plan } from "../plan/types.js";
import { cliText } from "../report/cli-text.js";
import { markdownComment, PLAN_MARKER } from "../report/markdown.js";
import { applicationWithStatus, webhookBody } from "./argocd.js";
import { removeEntry, setScalar } from "./edit.js";
import { AppRepo, commitInfo, type CommitInfo } from "./git.js";
import { DemoPlatform } from "./platform.js";
import type { Terminal } from "./terminal.js";

/** The story did not go as told: which step, and what happened instead. */
export class StoryError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
    this.name = "StoryError";
  }
}

/** The bundled example, at the package root (see package-root.ts). */
export const EXAMPLES_DIR = packagePath("examples");

const REPOSITORY = "acme/payments";
const MANIFEST = "platform.yaml";
const DEVELOPER = { name: "Dana Developer", email: "dana@payments.acme.example" };
const PLATFORM_TEAM = { name: "Platform Team", email: "platform@acme.example" };

export interface StoryOptions {
  appDir: string;
  gitopsDir: string;
  term: Terminal;
  /** Where examples/platform.yaml and examples/paved.yml are (default: the package's examples/). */
  examplesDir?: string;
}

/** What happened, for callers that want more than the text. */
export interface StoryFacts {
  commits: string[];
  deleted: string[];
  /** The states #1's staging Deployment went through as Argo CD reported. */
  deployment: string[];
}

export async function tellStory(options: StoryOptions): Promise<StoryFacts> {
  const story = new Story(options);
  await story.tell();
  return story.facts;
}

class Story {
  readonly facts: StoryFacts = { commits: [], deleted: [], deployment: [] };
  private step = "setup";
  private readonly term: Terminal;
  private readonly app: AppRepo;
  private readonly gitops: AppRepo;
  private platform!: DemoPlatform;
  private config!: ResolvedConfig;

  constructor(private readonly options: StoryOptions) {
    this.term = options.term;
    this.app = new AppRepo(options.appDir, DEVELOPER);
    this.gitops = new AppRepo(options.gitopsDir, PLATFORM_TEAM);
  }

  private expect(condition: unknown, message: string): asserts condition {
    if (!condition) throw new StoryError(this.step, message);
  }

  async tell(): Promise<void> {
    const example = await this.setup();
    const reviewed = await this.addService(example);

    this.begin("2", "Merge → one GitOps commit");
    const merged = await this.mergeAndApply("add-worker", 1, reviewed);
    // What #1 created: the worker's unit files and its catalog entry (the index is only updated).
    const created = merged.files.filter((f) => f.status === "A").map((f) => f.path);
    this.expect(created.length > 0 && created.every((p) => p.includes("/worker/") || p.endsWith("/worker.yaml")), `merging #1 created other files than the worker's: ${created.join(", ")}`);
    await this.argoReports(merged.sha, created.find((p) => p.endsWith("/application.yaml"))!);

    await this.breakPolicy(example);
    await this.rollBack();
    await this.releaseAndPromote();
    await this.removeService(created);
    await this.finale();
  }

  private begin(step: string, title: string): void {
    this.step = step;
    this.term.heading(step, title);
  }

  // ── 0 · the scene ────────────────────────────────────────────────────────────────────────

  private async setup(): Promise<string> {
    const dir = this.options.examplesDir;
    const example = await readExample(dir, "platform.yaml");
    const configFile = "examples/paved.yml";
    const loaded = loadConfig(await readExample(dir, "paved.yml"), configFile);
    this.expect(loaded.config, `the bundled org config has errors: ${loaded.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join("; ")}`);
    this.config = loaded.config;
    this.platform = new DemoPlatform(this.config, MANIFEST, this.options.gitopsDir, (commit) => this.app.show(commit, MANIFEST).catch(() => null));

    const t = this.term;
    t.title("Paved demo: platform.yaml → pull request → plan → GitOps commit, with real git repositories");
    t.say(`application repository  ${this.options.appDir}   (${REPOSITORY})`);
    t.say(`GitOps repository        ${this.options.gitopsDir}   (${this.config.gitops.repository ?? "the GitOps repository"}, what Argo CD syncs)`);
    t.say(`org config               ${configFile}   (environments ${this.config.environments.map((e) => e.name).join(" → ")}, policy ${this.config.policies.map((p) => p.id).join(", ") || "none"})`);

    this.begin("0", "The starting point");
    await this.gitops.init(this.config.gitops.branch);
    await this.gitops.commitFile("README.md", `# ${this.config.gitops.repository ?? "gitops"}\n\nArgo CD syncs this repository. Paved writes it; people review it.\n`, "Start the GitOps repository");
    await this.app.init("main");
    const withoutWorker = removeEntry(removeEntry(example, ["services", "worker"]), ["environments", "production", "services", "worker"]);
    const head = await this.app.commitFile(MANIFEST, withoutWorker, "Describe the payments API in platform.yaml");
    t.say(`${REPOSITORY} has the bundled example (examples/platform.yaml) on main, without its worker service for now.`);
    const outcome = await this.platform.apply({ repository: REPOSITORY, sha: head });
    const sha = this.committed(outcome, "applying main");
    const info = await commitInfo(this.gitops.git, sha);
    t.ok(`Paved applied main: GitOps commit ${short(sha)} "${info.subject}" wrote ${info.files.length} files (api in ${outcome.status === "committed" ? outcome.plan.environments.join(" and ") : "no environment"}).`);
    return example;
  }

  // ── 1 · a pull request adds a service ────────────────────────────────────────────────────

  private async addService(example: string): Promise<Plan> {
    this.begin("1", "Pull request #1 adds a service");
    const t = this.term;
    const head = await this.commitOnBranch("add-worker", example, "Add the worker service");
    await this.showDiff("main", "add-worker");

    const source: Source = { repository: REPOSITORY, sha: head, pullRequest: 1 };
    const plan = await this.platform.plan(await this.app.show(head, MANIFEST), source);
    this.expect(plan.valid, `the plan is invalid: ${plan.diagnostics.map((d) => d.message).join("; ")}`);
    const changed = plan.units.filter((u) => u.action !== "unchanged").map((u) => `${u.environment}/${u.service}:${u.action}`);
    this.expect(changed.join(",") === "staging/worker:create", `expected only staging/worker to be created, got ${changed.join(", ") || "nothing"}`);
    const comment = markdownComment(plan, { source, manifestPath: MANIFEST });
    this.expect(comment.startsWith(PLAN_MARKER), "the comment lacks its sticky marker");

    t.say("Paved checks the pull request and answers with one comment; here it is as GitHub shows it (diffs collapsed):");
    t.comment(comment);
    t.ok("valid: the worker is created in staging only (production says `worker: { enabled: false }`).");
    return plan;
  }

  // ── 2 · merge → the GitOps commit ────────────────────────────────────────────────────────

  /** Merges the pull request's branch, applies main, and checks the commit holds exactly the reviewed plan's changes. */
  private async mergeAndApply(branch: string, pr: number, reviewed: Plan): Promise<CommitInfo> {
    const t = this.term;
    await this.app.switchTo("main");
    t.ran("git switch main");
    const message = `Merge pull request #${pr} from ${REPOSITORY.split("/")[0]}/${branch}`;
    const merged = await this.app.merge(branch, message);
    t.ran(`git merge --no-ff ${branch}   → ${short(merged)} "${message}"`);

    const before = await this.gitops.head();
    const outcome = await this.platform.apply({ repository: REPOSITORY, sha: merged, pullRequest: pr });
    const sha = this.committed(outcome, `applying the merge of #${pr}`);
    const info = await commitInfo(this.gitops.git, sha);
    this.expect((await this.gitops.text(["rev-parse", `${sha}^`])) === before, "the GitOps commit is not on top of the branch it read");
    const planned = reviewed.changes.map((c) => `${mark(c.action)} ${c.path}`).sort();
    const committed = info.files.map((f) => `${f.status} ${f.path}`).sort();
    this.expect(
      planned.join("\n") === committed.join("\n"),
      `the commit does not match the plan the pull request showed:\nplanned:\n${planned.join("\n")}\ncommitted:\n${committed.join("\n")}`,
    );
    this.expect((await this.gitops.text(["status", "--porcelain"])) === "", "the GitOps work tree is not clean after the commit");

    t.say(`The push to main makes Paved apply: one commit in ${this.config.gitops.repository ?? "the GitOps repository"}, exactly the files the plan listed:`);
    t.commit(info);
    t.ok(`GitOps commit ${info.sha}`);
    return info;
  }

  /**
   * Argo CD syncs the commit and its notifications post to Paved, with the bodies the rendered
   * argocd-notifications-cm makes from the Application; the deployment follows, by the App's rules
   * (`paved status` replays the same facts from the GitOps clone and a log of those bodies).
   */
  private async argoReports(commit: string, applicationPath: string): Promise<void> {
    const t = this.term;
    const configMapPath = notificationsPath(this.config.gitops.directory);
    this.expect("path" in configMapPath, "the notifications ConfigMap has no safe path");
    const [application, configMap] = await Promise.all([this.gitops.show(commit, applicationPath), this.gitops.show(commit, configMapPath.path)]);
    const sent: ArgoEvent[] = [];
    const states: string[] = [];
    const show = async (what: string) => {
      const replay = await replayEvents(await localHistory(this.gitops.git, 20), sent, this.config, localTouching(this.gitops.git));
      const deployment = replay.deployments.find((d) => d.gitopsCommit === commit);
      this.expect(deployment, `no deployment for GitOps commit ${short(commit)}`);
      states.push(deployment.facts.state);
      t.ok(`${what}: the ${deployment.environment} Deployment of ${REPOSITORY}@${short(deployment.source.sha)} is ${deployment.facts.state} — "${deployment.description}"`);
    };
    t.say(`Committing is not deploying: the ${REPOSITORY} Deployment waits for Argo CD, whose notifications (${configMapPath.path}) post to Paved.`);
    await show("merged");
    for (const [trigger, state] of [
      ["paved-on-sync-running", { revision: commit, phase: "Running", health: "Progressing" }],
      ["paved-on-deployed", { revision: commit, phase: "Succeeded", health: "Healthy" }],
    ] as const) {
      const body = webhookBody(configMap, trigger, applicationWithStatus(application, state));
      const parsed = parseArgoEvent(JSON.parse(body));
      this.expect(parsed.ok, `the ${trigger} body does not parse: ${parsed.ok ? "" : parsed.reason}`);
      sent.push(parsed.event);
      const app = (JSON.parse(body) as { app: { metadata: { name: string }; status: { operationState: { phase: string }; health: { status: string } } } }).app;
      t.ran(`Argo CD → POST /api/argocd/events  ${trigger}: ${app.metadata.name}, operation ${app.status.operationState.phase}, health ${app.status.health.status}, revision ${short(commit)} (${body.length} bytes)`);
      await show(trigger);
    }
    this.expect(states.join(" → ") === "queued → in_progress → success", `the deployment went ${states.join(" → ")}`);
    this.facts.deployment = states;
  }

  // ── 3 · a policy stops a bad change, the fix goes through ────────────────────────────────

  private async breakPolicy(example: string): Promise<void> {
    this.begin("3", "Pull request #2 scales production down and breaks policy");
    const t = this.term;
    const production = ["environments", "production", "services", "api"];
    const image = ["services", "api", "image"];
    const current = await this.app.show("main", MANIFEST);
    this.expect(current === example, "main does not hold the bundled example after #1");
    const broken = setScalar(setScalar(current, [...production, "replicas"], 1), image, "docker.io/acme/payments-api:1.5.0");
    const head = await this.commitOnBranch("scale-down", broken, "api 1.5.0 from Docker Hub; production down to one replica");
    await this.showDiff("main", "scale-down");

    const source: Source = { repository: REPOSITORY, sha: head, pullRequest: 2 };
    const plan = await this.platform.plan(broken, source);
    const errors = plan.diagnostics.filter((d) => d.severity === "error");
    const codes = errors.map((d) => d.code).sort();
    this.expect(!plan.valid && plan.changes.length === 0, "the plan accepted a manifest that breaks policy");
    this.expect(codes.includes("prod-min-replicas") && codes.includes("image-registry"), `expected prod-min-replicas and image-registry errors, got ${codes.join(", ") || "none"}`);
    const lines = broken.split("\n");
    for (const d of errors) {
      const at = lines[d.line - 1] ?? "";
      const wanted = d.code === "prod-min-replicas" ? "replicas: 1" : d.code === "image-registry" ? "docker.io/" : "";
      this.expect(at.includes(wanted) && d.column >= 1 && d.column <= at.length, `${d.code} is located at ${d.line}:${d.column}, not at the line that says \`${wanted}\``);
    }
    const comment = markdownComment(plan, { source, manifestPath: MANIFEST });
    const verdict = comment.split("\n")[1] ?? "";
    t.say("Paved's check fails, and every problem points at the line the developer wrote:");
    t.located(plan.diagnostics, broken);
    t.say(`The pull-request comment says \`${verdict.replace(/^#+\s*/, "")}\`, with the same errors linked to those lines.`);

    const gitopsHead = await this.gitops.head();
    const refused = await this.platform.apply({ ...source, sha: head });
    this.expect(refused.status === "invalid-commit", `applying the broken manifest was not refused (${refused.status})`);
    this.expect((await this.gitops.head()) === gitopsHead, "the GitOps repository moved although the manifest is invalid");
    t.ok(`Had it been merged anyway, apply refuses it too: nothing committed (GitOps still at ${short(gitopsHead)}).`);

    const fixed = setScalar(setScalar(broken, [...production, "replicas"], 2), image, "ghcr.io/acme/payments-api:1.5.0");
    const fixHead = await this.app.commitFile(MANIFEST, fixed, "Use the allowed registry; keep two replicas in production");
    t.ran(`git commit -am "Use the allowed registry; keep two replicas in production"   → ${short(fixHead)}`);
    await this.showDiff(`${fixHead}~1`, fixHead);
    const fixedSource: Source = { ...source, sha: fixHead };
    const good = await this.platform.plan(fixed, fixedSource);
    this.expect(good.valid, `the fixed manifest is still invalid: ${good.diagnostics.map((d) => d.message).join("; ")}`);
    const prodApi = good.units.find((u) => u.environment === "production" && u.service === "api");
    this.expect(prodApi?.action === "update" && prodApi.summary.some((s) => s.includes("replicas 3 → 2")), `production/api should go from 3 to 2 replicas: ${prodApi?.summary.join("; ") ?? "not in the plan"}`);
    this.expect(good.changes.every((c) => c.action === "update"), "the fix should only update files");
    t.say("The comment updates in place:");
    t.comment(markdownComment(good, { source: fixedSource, manifestPath: MANIFEST }));

    const info = await this.mergeAndApply("scale-down", 2, good);
    this.expect(!info.files.some((f) => f.path.includes("/worker/")), "the fix touched the worker's files");
  }

  // ── 4 · production rolls back, in git, and is held ──────────────────────────────────────

  /** Production runs #2's merge: rolled back to what it ran before, it holds there against merges. */
  private async rollBack(): Promise<void> {
    this.begin("4", "Production rolls back, in git, and is held");
    const t = this.term;
    const [, firstMerge, secondMerge] = this.facts.commits as [string, string, string];
    const deploymentFile = "production/payments/api/manifests/deployment.yaml";
    const source: Source = { repository: REPOSITORY };
    t.say("Say 1.5.0 misbehaves in production. Argo CD's own rollback refuses to run while auto-sync is on; Paved rolls back in git:");
    t.ran("paved rollback production --gitops GITOPS --repo PAYMENTS --config examples/paved.yml");
    const rolledBack = await this.platform.command({ kind: "rollback", environment: "production" }, source, DEVELOPER.name);
    const sha = this.committed(rolledBack, "rolling production back");
    const info = await commitInfo(this.gitops.git, sha);
    this.expect(info.files.every((f) => f.path.startsWith("production/") || f.path.startsWith(".paved/")), `the rollback touched more than production: ${info.files.map((f) => f.path).join(", ")}`);
    const runsNow = await this.gitops.show(sha, deploymentFile);
    this.expect(runsNow === (await this.gitops.show(firstMerge, deploymentFile)), "production's Deployment is not the one #1's merge wrote");
    this.expect(runsNow !== (await this.gitops.show(secondMerge, deploymentFile)), "the rollback did not change production's Deployment");
    t.quote((await this.gitops.text(["log", "-1", "--format=%B", sha])).trim());
    t.ok(`GitOps commit ${short(sha)}: production runs what it ran before #2 (${info.files.length} files, staging untouched), and is held.`);

    const main = await this.app.head("main");
    const again = await this.platform.apply({ repository: REPOSITORY, sha: main });
    this.expect(again.status !== "committed" || !(await commitInfo(this.gitops.git, again.sha)).files.some((f) => f.path.startsWith("production/")), "a merge changed production while it is held");
    this.expect((await this.gitops.show("HEAD", deploymentFile)) === runsNow, "production moved while held");
    t.ok("A merge of main now leaves production alone: it stays at what #1's merge deployed until released.");
  }

  // ── 5 · release, promote, and the history ─────────────────────────────────────────────────

  private async releaseAndPromote(): Promise<void> {
    this.begin("5", "Released, promoted again, and the history");
    const t = this.term;
    const secondMerge = this.facts.commits[2]!;
    const deploymentFile = "production/payments/api/manifests/deployment.yaml";
    const source: Source = { repository: REPOSITORY };
    t.say("Once 1.5.0 is fixed, the team releases production and promotes what staging runs:");
    t.ran("paved release production --gitops GITOPS --repo PAYMENTS --config examples/paved.yml");
    this.committed(await this.platform.command({ kind: "release", environment: "production" }, source, DEVELOPER.name), "releasing production");
    t.ran("paved promote production --gitops GITOPS --repo PAYMENTS --config examples/paved.yml");
    const sha = this.committed(await this.platform.command({ kind: "promote", environment: "production" }, source, DEVELOPER.name), "promoting into production");
    this.expect((await this.gitops.show(sha, deploymentFile)) === (await this.gitops.show(secondMerge, deploymentFile)), "production does not run #2's Deployment after the promotion");
    t.ok(`GitOps commit ${short(sha)}: production runs the commit staging runs again.`);
    t.say("`paved history production` reads it all back from the GitOps commits' trailers alone:");
    const history = historyText(deploymentHistory(await deploymentLog(this.gitops.git), "production"), "production");
    this.expect(/promote/.test(history) && /release/.test(history) && /rollback/.test(history), `the history lacks the promotion, release or rollback:\n${history}`);
    t.quote(history.trimEnd());
  }

  // ── 6 · a service removed: scoped deletes ─────────────────────────────────────────────────

  private async removeService(created: string[]): Promise<void> {
    this.begin("6", "Pull request #3 removes a service: only its files go");
    const t = this.term;
    const current = await this.app.show("main", MANIFEST);
    const removed = removeEntry(removeEntry(current, ["services", "worker"]), ["environments", "production", "services", "worker"]);
    const head = await this.commitOnBranch("retire-worker", removed, "Retire the worker");
    await this.showDiff("main", "retire-worker");

    const source: Source = { repository: REPOSITORY, sha: head, pullRequest: 3 };
    const plan = await this.platform.plan(removed, source);
    this.expect(plan.valid, `the plan is invalid: ${plan.diagnostics.map((d) => d.message).join("; ")}`);
    const deletes = plan.changes.filter((c) => c.action === "delete").map((c) => c.path).sort();
    const expected = [...created].sort();
    this.expect(deletes.join("\n") === expected.join("\n"), `the plan deletes\n${deletes.join("\n")}\nbut #1 created\n${expected.join("\n")}`);
    this.expect(plan.risks.some((r) => r.kind === "deletion"), "the plan does not flag the deletion as a risk");
    t.say("The plan, as `paved plan` prints it in a terminal:");
    t.quote(cliText(plan, { color: this.term.color, diffs: false }));

    const before = await this.platform.writer.readTree();
    const info = await this.mergeAndApply("retire-worker", 3, plan);
    const after = await this.platform.writer.readTree();
    const kept = [...before.tree.keys()].filter((p) => !expected.includes(p));
    this.expect(kept.every((p) => after.tree.has(p)), `files other than the worker's disappeared: ${kept.filter((p) => !after.tree.has(p)).join(", ")}`);
    this.facts.deleted = info.files.filter((f) => f.status === "D").map((f) => f.path);
    t.ok(`Deleted exactly the ${expected.length} files pull request #1 created; the other ${kept.length} files (api, the team project, the README) are untouched.`);
  }

  // ── the end ───────────────────────────────────────────────────────────────────────────────

  private async finale(): Promise<void> {
    this.begin("7", "Once more, and the history");
    const t = this.term;
    const main = await this.app.head("main");
    const again = await this.platform.apply({ repository: REPOSITORY, sha: main });
    this.expect(again.status === "unchanged", `applying main a second time did something (${again.status})`);
    t.ok("Applying main again changes nothing: apply is idempotent.");
    t.say(`${this.config.gitops.repository ?? "GitOps"} history:`);
    t.quote(await this.gitops.text(["log", "--oneline", "--no-decorate"]));
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  private committed(outcome: DeployOutcome, what: string): string {
    if (outcome.status !== "committed") {
      const diagnostics = "plan" in outcome ? outcome.plan.diagnostics : "diagnostics" in outcome ? outcome.diagnostics : [];
      const reason = "reason" in outcome ? outcome.reason : "";
      const why = [reason, ...diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message} [${d.code}]`)].filter(Boolean).join("; ");
      throw new StoryError(this.step, `${what} ended \`${outcome.status}\`, not in a commit${why ? `: ${why}` : ""}`);
    }
    this.facts.commits.push(outcome.sha);
    return outcome.sha;
  }

  private async commitOnBranch(branch: string, manifest: string, message: string): Promise<string> {
    await this.app.switchTo(branch, true);
    const head = await this.app.commitFile(MANIFEST, manifest, message);
    this.term.ran(`git switch -c ${branch} && git commit -am "${message}"   → ${short(head)}`);
    return head;
  }

  private async showDiff(base: string, head: string): Promise<void> {
    const diff = await this.app.diff(base, head, MANIFEST);
    this.expect(diff.trim() !== "", `the pull request changes nothing in ${MANIFEST}`);
    this.term.diff(diff.split("\n").filter((l) => !/^(diff --git|index )/.test(l)).join("\n"));
  }
}

/** A file of `dir`, else of the package's examples (which the single-file CLI bundle carries inside it). */
async function readExample(dir: string | undefined, name: string): Promise<string> {
  const path = join(dir ?? EXAMPLES_DIR, name);
  try {
    return dir === undefined ? readPackageText("examples", name) : await readFile(path, "utf8");
  } catch (error) {
    throw new StoryError("setup", `cannot read the bundled example ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function mark(action: string): string {
  return action === "create" ? "A" : action === "delete" ? "D" : "M";
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

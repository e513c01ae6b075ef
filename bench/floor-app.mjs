/**
 * The floor for the burst figures: a Probot app with no logic that makes, for each pull-request
 * head, the calls Paved makes to plan it (BENCHMARKS.md lists them; keep the two in step), through
 * Probot's own client with its production throttling (writes 1 s apart, comments 3 s apart). It
 * acknowledges at once (the work runs after the answer) and plans each head once: what any app that
 * plans every head must at least wait for GitHub's pacing. Run by bench/burst.test.ts in a process
 * of its own, with the environment the service gets (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST,
 * GHE_PROTOCOL, PORT); prints `listening on URL`, then one line `done N` per finished head.
 */
import { createServer } from "node:http";
import { createNodeMiddleware, Probot } from "probot";

const env = process.env;
const probot = new Probot({
  appId: Number(env.APP_ID),
  privateKey: env.PRIVATE_KEY,
  secret: env.WEBHOOK_SECRET,
  baseUrl: `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3`,
  logLevel: "fatal",
});

const planned = new Set();
let done = 0;

/** The calls of one plan (a PR event), in Paved's order, their answers unused but for the tree sha. */
async function plan(octokit, { owner, repo, number, head, base }) {
  const org = { owner, repo: ".github" };
  const gitops = { owner, repo: "gitops" };
  await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...org, path: ".github/paved.yml" });
  await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path: "platform.yaml", ref: head });
  await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path: "platform.yaml", ref: base });
  await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner, repo, ref: head, check_name: "Paved" });
  const ref = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...gitops, ref: "heads/main" });
  await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { ...gitops, tree_sha: ref.data.object.sha, recursive: "1" });
  await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
    owner,
    repo,
    name: "Paved",
    head_sha: head,
    status: "completed",
    conclusion: "success",
    output: { title: "floor", summary: "floor" },
  });
  await octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number });
  await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo, issue_number: number, per_page: 100 });
  await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner, repo, issue_number: number, body: `<!-- floor --> ${head}` });
}

const app = (probotApp) => {
  probotApp.on("pull_request", (context) => {
    const pr = context.payload.pull_request;
    const { owner, repo } = context.repo();
    const key = `${owner}/${repo}@${pr.head.sha}`;
    if (planned.has(key)) return;
    planned.add(key);
    // Not awaited: the delivery is answered at once, as Paved answers before it plans.
    void plan(context.octokit, { owner, repo, number: pr.number, head: pr.head.sha, base: pr.base.sha }).then(
      () => process.stdout.write(`done ${++done}\n`),
      (error) => process.stdout.write(`failed ${key}: ${error.message}\n`),
    );
  });
};

const middleware = await createNodeMiddleware(app, { probot, webhooksPath: "/api/github/webhooks" });
const server = createServer((req, res) => middleware(req, res, () => res.writeHead(404).end()));
server.listen(Number(env.PORT) || 0, "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));

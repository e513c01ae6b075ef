import type { DeliveryMetrics, ScopedMetrics } from "../metrics/delivery.js";
import type { MetricsWindow } from "../metrics/window.js";
import { barChart, dotChart, shareChart } from "./charts.js";
import type { DeploymentFact } from "../metrics/deployment-facts.js";
import { duration, percent, timestamp } from "./format.js";
import { escapeHtml as e, safeHref } from "./html-escape.js";
import type { Cell, Overview, ServicePage, ServiceRow } from "./view.js";

/**
 * The portal's pages, server-rendered: every value from the facts goes through escapeHtml or
 * safeHref, there is no script at all, and the style sheet is a file (`/portal/assets/portal.css`),
 * so the Content-Security-Policy can forbid everything inline.
 */
export interface Chrome {
  /** The signed-in login, for the header; undefined when nobody signs in (a local clone). */
  viewer?: string;
  window: MetricsWindow;
}

export const WINDOWS = ["7d", "30d", "90d"];

export function overviewPage(view: Overview, metrics: ScopedMetrics, chrome: Chrome): string {
  const teams = view.teams.length === 0
    ? `<p class="empty">No services you can read are deployed by Paved yet.</p>`
    : view.teams.map((t) => `<section class="team"><h2>Team <code>${e(t.team)}</code></h2>${servicesTable(view.environments, t.services)}</section>`).join("");
  const body = `
<section aria-labelledby="metrics"><h2 id="metrics">Delivery, last ${e(chrome.window.label)} ${windowLinks("/portal", chrome.window.label)}</h2>
${tiles(metrics.org, "org")}
${teamTable(metrics)}
</section>
<h2>Services</h2>
${teams}
${previews(view.previews)}
${howComputed(view.feedback)}`;
  return layout("Paved: services", body, chrome, view.origin);
}

export function servicePageHtml(page: ServicePage, metrics: DeliveryMetrics | null, chrome: Chrome): string {
  const r = page.row;
  const body = `
<p><a href="/portal">← all services</a></p>
<h2><code>${e(r.service)}</code> <span class="muted">from ${e(r.repository)}, team <code>${e(r.team)}</code></span></h2>
${servicesTable(page.environments, [r], false)}
<h3>Delivery, last ${e(chrome.window.label)} ${windowLinks(r.href, chrome.window.label)}</h3>
${metrics ? tiles(metrics, "service") : `<p class="empty">No production deployments of this service.</p>`}
<h3>Deployment history</h3>
${history(page.history)}
${previews(page.previews)}
${howComputed(page.feedback)}`;
  return layout(`Paved: ${r.service}`, body, chrome, page.origin);
}

export function signInPage(loginHref: string, message?: string): string {
  const body = `<section class="signin"><h2>Sign in</h2>
${message ? `<p class="notice">${e(message)}</p>` : ""}
<p>The portal shows the services of repositories you can read on GitHub. Nothing is shown without signing in.</p>
<p><a class="button" href="${safeHref(loginHref)}">Sign in with GitHub</a></p></section>`;
  return layout("Paved: sign in", body, undefined, "");
}

export function errorPage(status: number, message: string, chrome?: Chrome): string {
  return layout(`Paved: ${status}`, `<h2>${status}</h2><p>${e(message)}</p><p><a href="/portal">all services</a></p>`, chrome, "");
}

function layout(title: string, body: string, chrome: Chrome | undefined, origin: string): string {
  const who = chrome?.viewer
    ? `<form class="who" method="post" action="/portal/logout">Signed in as <strong>${e(chrome.viewer)}</strong> <button type="submit">Sign out</button></form>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><link rel="stylesheet" href="/portal/assets/portal.css"></head>
<body><header><h1><a href="/portal">Paved</a></h1>${who}</header>
<main>${body}</main>
<footer>${origin ? `Facts from ${e(origin)}. ` : ""}<a href="/portal/api/metrics?window=${e(chrome?.window.label ?? "30d")}">metrics as JSON</a></footer>
</body></html>
`;
}

function windowLinks(base: string, current: string): string {
  return `<span class="windows">${WINDOWS.map((w) => (w === current ? `<strong>${w}</strong>` : `<a href="${safeHref(`${base}?window=${w}`)}">${w}</a>`)).join(" ")}</span>`;
}

function servicesTable(environments: Overview["environments"], rows: ServiceRow[], linkName = true): string {
  const head = environments.map((env) => `<th scope="col">${e(env.name)}${env.production ? ` <span class="tag">production</span>` : ""}</th>`).join("");
  const body = rows
    .map((r) => {
      const name = linkName ? `<a href="${safeHref(r.href)}"><code>${e(r.service)}</code></a>` : `<code>${e(r.service)}</code>`;
      return `<tr><th scope="row">${name}<div class="muted">${e(r.repository)}</div></th>${r.cells.map(cell).join("")}</tr>`;
    })
    .join("");
  return `<table class="services"><thead><tr><th scope="col">service</th>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const STATE_WORDS: Record<Cell["state"], string> = {
  committed: "committed (no Argo CD report)",
  queued: "waiting for Argo CD",
  in_progress: "syncing",
  success: "healthy",
  failure: "failed",
  error: "no feedback",
  inactive: "superseded",
  unknown: "no recorded deployment",
};

function cell(c: Cell | null): string {
  if (!c) return `<td class="none">—</td>`;
  const version = c.version ? `<code title="${e(c.image ?? "")}">${e(c.version)}</code>` : `<span class="muted">version unknown</span>`;
  const change = c.lastChange ? `<div class="change">${changeLine(c.lastChange)}</div>` : "";
  const links = [...(c.url ? [{ label: "URL", href: c.url }] : []), ...c.links].map((l) => `<a href="${safeHref(l.href)}">${e(l.label)}</a>`).join(" · ");
  return `<td><div>${version} <span class="state state-${c.state}">${e(STATE_WORDS[c.state])}</span></div>${c.detail ? `<div class="muted">${e(c.detail)}</div>` : ""}${change}${links ? `<div class="links">${links}</div>` : ""}</td>`;
}

function changeLine(d: DeploymentFact): string {
  const pr = d.pullRequest !== undefined ? (d.links.pullRequest ? `<a href="${safeHref(d.links.pullRequest)}">#${d.pullRequest}</a>` : `#${d.pullRequest}`) : "a direct push";
  const by = d.author ? ` by ${e(d.author)}` : "";
  return `${pr}${by}, ${e(timestamp(d.committedAt))}`;
}

function history(deployments: DeploymentFact[]): string {
  if (deployments.length === 0) return `<p class="empty">No deployments in the GitOps history read.</p>`;
  const rows = deployments
    .map((d) => {
      const state = d.statuses.at(-1)?.state ?? "committed";
      const commit = d.links.gitopsCommit ? `<a href="${safeHref(d.links.gitopsCommit)}"><code>${e(d.gitopsCommit.slice(0, 7))}</code></a>` : `<code>${e(d.gitopsCommit.slice(0, 7))}</code>`;
      const statuses = d.statuses.map((s) => `${e(STATE_WORDS[s.state])} ${e(timestamp(s.at))}${s.description ? `: ${e(s.description)}` : ""}`).join("<br>");
      return `<tr><td>${e(timestamp(d.committedAt))}</td><td>${e(d.environment)}</td><td>${e(d.action)}</td><td>${d.version ? `<code>${e(d.version)}</code>` : "—"}</td><td><span class="state state-${state}">${e(STATE_WORDS[state])}</span>${statuses ? `<div class="muted">${statuses}</div>` : ""}</td><td>${changeLine(d)}</td><td>${commit}${d.links.log ? ` · <a href="${safeHref(d.links.log)}">log</a>` : ""}</td></tr>`;
    })
    .join("");
  return `<table class="history"><thead><tr><th>committed</th><th>environment</th><th>action</th><th>version</th><th>state</th><th>change</th><th>GitOps commit</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function previews(list: Overview["previews"]): string {
  if (list.length === 0) return "";
  const items = list
    .map((p) => {
      const change = p.pullRequestUrl ? `<a href="${safeHref(p.pullRequestUrl)}">${e(p.repository)}#${p.pullRequest}</a>` : `${e(p.repository)}#${p.pullRequest}`;
      const services = p.services.length > 0 ? ` ${p.services.map((s) => `<code>${e(s)}</code>`).join(" ")}` : "";
      // A record is a file in the GitOps tree: a URL that is not http(s) is not shown at all.
      const url = p.url && safeHref(p.url) !== "#" ? ` · <a href="${safeHref(p.url)}">${e(p.url)}</a>` : "";
      return `<li>${change}${services} in <code>${e(p.namespace)}</code>${url} <span class="muted">updated ${e(timestamp(p.updatedAt))}, at <code>${e(p.headSha.slice(0, 7))}</code></span></li>`;
    })
    .join("");
  return `<section><h2>Open previews</h2><ul>${items}</ul></section>`;
}

function tiles(m: DeliveryMetrics, scope: string): string {
  const lead = m.leadTime;
  const basis = lead.toCommit > 0 ? `<div class="muted">${lead.toCommit} of ${lead.toCommit + lead.toHealthy} measured to the GitOps commit (no Argo CD report)</div>` : "";
  return `<div class="tiles" data-scope="${e(scope)}">
<figure class="tile"><figcaption>Deployment frequency</figcaption><div class="figure">${m.deployments.count}</div><div class="muted">${m.deployments.perWeek} per week</div>${barChart(m.deployments.daily, "production deployments per day")}</figure>
<figure class="tile"><figcaption>Lead time for changes</figcaption><div class="figure">${e(duration(lead.firstCommit.median))}</div><div class="muted">median from first commit; p90 ${e(duration(lead.firstCommit.p90))}; from merge: median ${e(duration(lead.merge.median))}, p90 ${e(duration(lead.merge.p90))}</div>${basis}${dotChart(lead.samples, lead.firstCommit.median, "lead time per deployment, first commit to deployed")}</figure>
<figure class="tile"><figcaption>Change failure rate</figcaption><div class="figure">${e(percent(m.changeFailure.rate))}</div><div class="muted">${m.changeFailure.failed} of ${m.changeFailure.total} (${m.changeFailure.rolledBack} rolled back)</div>${shareChart(m.changeFailure.failed, m.changeFailure.total, "failed share of production deployments")}</figure>
<figure class="tile"><figcaption>Time to restore</figcaption><div class="figure">${e(duration(m.restore.durations.median))}</div><div class="muted">median; p90 ${e(duration(m.restore.durations.p90))}; ${m.restore.open} not restored</div></figure>
</div>`;
}

function teamTable(metrics: ScopedMetrics): string {
  if (metrics.teams.length === 0) return "";
  const row = (name: string, m: DeliveryMetrics) =>
    `<tr><th scope="row">${name}</th><td>${m.deployments.count}</td><td>${e(duration(m.leadTime.firstCommit.median))} / ${e(duration(m.leadTime.firstCommit.p90))}</td><td>${e(duration(m.leadTime.merge.median))} / ${e(duration(m.leadTime.merge.p90))}</td><td>${e(percent(m.changeFailure.rate))}</td><td>${e(duration(m.restore.durations.median))} / ${e(duration(m.restore.durations.p90))}</td></tr>`;
  const teams = metrics.teams.map((t) => row(`team <code>${e(t.team)}</code>`, t.metrics)).join("");
  const services = metrics.services.map((s) => row(`<code>${e(s.service)}</code> <span class="muted">${e(s.repository)}</span>`, s.metrics)).join("");
  return `<table class="metrics"><thead><tr><th></th><th>deployments</th><th>lead time (first commit), median / p90</th><th>lead time (merge), median / p90</th><th>change failure rate</th><th>time to restore, median / p90</th></tr></thead><tbody>${teams}${services}</tbody></table>`;
}

function howComputed(feedback: boolean): string {
  return `<details class="how"><summary>How these figures are computed</summary><dl>
<dt>Deployment</dt><dd>One service changed in a production environment by one GitOps commit Paved wrote (its <code>Paved-Source</code> trailer and unit lines); removals are not counted. A deployment is <em>deployed</em> when Argo CD reported it synced and healthy (the first <code>success</code> status of its GitHub Deployment)${feedback ? "" : "; this local clone has no Argo CD reports, so the GitOps commit's time stands in for it and the tiles say so"}.</dd>
<dt>Deployment frequency</dt><dd>Production deployments committed in the window; per week = count × 7 ÷ days in the window. The bars are per day.</dd>
<dt>Lead time for changes</dt><dd>Deployed − the change's first commit (the oldest commit of its pull request, or the commit itself for a direct push); also deployed − the merge. Deployments not yet deployed are left out.</dd>
<dt>Change failure rate</dt><dd>Production deployments that failed ÷ all production deployments in the window. Failed: a <code>failure</code> or <code>error</code> status (sync failed, health degraded, no feedback in time), or rolled back (the service's next deployment brings back the version it ran before).</dd>
<dt>Time to restore</dt><dd>From the failure (its first failure status; for a rollback, its deployment) to the service running a deployed change again (the same deployment turning healthy, else the next deployed change). Failures not restored are counted as “not restored” and left out of the durations.</dd>
<dt>Median and p90</dt><dd>Median: the middle value (the mean of the two middle ones for an even count). p90: nearest rank, the smallest value at or above 90 % of the values.</dd>
</dl></details>`;
}

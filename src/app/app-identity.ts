import type { Probot } from "probot";

/**
 * Who the app is on GitHub: its slug names the bot (`<slug>[bot]`) that authors Paved's commits,
 * which is how drift tells Paved's commits from everyone else's. Asked once per process with the
 * app's own (JWT) credentials: an installation token cannot read `GET /app`.
 */
let app: Probot | undefined;
let slug: Promise<string> | undefined;

export function rememberApp(probot: Probot): void {
  app = probot;
  slug = undefined;
}

export function appSlug(): Promise<string> {
  if (!app) return Promise.reject(new Error("the app identity is not known: rememberApp was not called"));
  const current = app;
  slug ??= current
    .auth()
    .then((octokit) => octokit.request("GET /app"))
    .then(({ data }) => {
      if (!data?.slug) throw new Error("GitHub did not say the app's slug");
      return data.slug;
    })
    .catch((error: unknown) => {
      slug = undefined; // ask again next time rather than remember a failure
      throw error;
    });
  return slug;
}

/**
 * The GitHub Action's entry (action.yml → action/dist/index.js, bundled by scripts/build-action.mjs).
 * It runs on import, wires @actions/core and Octokit to the runner, and fails the step with the
 * runner's message; the logic lives in runner.ts. `done` and the exports let tests drive the bundle.
 */
import * as core from "@actions/core";
import { actionClient, apiUrlOf, type ClientLog } from "./inputs.js";
import { runAction, type ActionDeps } from "./runner.js";

export { runAction };

const log: ClientLog = { debug: core.debug, info: core.info, warning: core.warning };

/** The real dependencies; `clientOverrides` reach every Octokit (tests turn throttling off). */
export function actionDeps(env: NodeJS.ProcessEnv = process.env, clientOverrides: Record<string, unknown> = {}): ActionDeps {
  const apiUrl = apiUrlOf(env);
  return {
    client: (token) => actionClient(token, apiUrl, log, clientOverrides),
    log: { ...log, write: (text) => process.stdout.write(text), setOutput: core.setOutput },
  };
}

export const done: Promise<void> = runAction(process.env, actionDeps()).then(
  (result) => {
    if (result.failed) core.setFailed(result.failed);
  },
  (error: unknown) => core.setFailed(`Paved: ${error instanceof Error ? error.message : String(error)}`),
);

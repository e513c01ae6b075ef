import { run } from "probot";
import paved from "./index.js";
import { startService } from "./service.js";
import { checkStartup } from "./startup.js";

/**
 * `npm start` and the container: refuse a production start that is not safe (one line, exit 1);
 * without an app yet in development, Probot's manifest flow; otherwise the service, which drains
 * on SIGTERM (and SIGINT) and exits 0.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const check = checkStartup(env);
  if (check.ok === false) {
    console.error(`paved: ${check.problem}`);
    process.exit(1);
  }
  if (check.ok === "setup") {
    await run(paved);
    return;
  }
  const service = await startService({ credentials: check.credentials, env });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    service.probot.log.info({ signal }, "draining: no new work; finishing what is in flight");
    service.drain().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`paved: could not drain cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

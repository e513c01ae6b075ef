/**
 * Real processes for the stories that need them: the service as `npm start` runs it
 * (`node dist/server.js`, built by `pretest`) against the fake GitHub served on loopback, and a
 * real `redis-server` (Debian's) on a free loopback port.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { TEST_PRIVATE_KEY } from "../../support/app-harness.js";
import { SECRET } from "./webhook-server.js";

export const SERVER_ENTRY = fileURLToPath(new URL("../../../dist/server.js", import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function redisServerPath(): string | null {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export interface RedisProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(binary: string): Promise<RedisProcess> {
  const port = await freePort();
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const { Redis } = await import("ioredis");
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  for (let i = 0; i < 100; i++) {
    if ((await probe.ping().catch(() => "")) === "PONG") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  probe.disconnect();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    },
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Base URL once it listens. */
  url: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** The production environment the service runs with, against `githubHost` (the served fake). */
export function productionEnv(githubHost: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    APP_ID: "1",
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: githubHost,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    ...extra,
  };
}

/** Starts `node dist/server.js`; resolves once it listens (or rejects with its output if it exits first). */
export async function startServiceProcess(env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: ["ignore", "pipe", "pipe"] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        stdout.push(line);
        const found = /Paved listening on (http:\/\/[^\s"]+)/.exec(line);
        if (found) resolve(found[1]!);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
    void exited.then((code) => reject(new Error(`the service exited (${code}) before listening: ${stderr.join("")} ${stdout.join("\n")}`)));
  });
  return { child, url, stdout, stderr, exited };
}

/** Runs the entry to its exit (for a start that must refuse): exit code and output. */
export async function runToExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

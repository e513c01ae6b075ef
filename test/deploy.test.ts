// The app's own container and Kubernetes manifests (deploy/), validated like the objects Paved
// renders (kubernetes-models), and checked against what the service actually does: the probes hit
// its endpoints, the credentials come from the Secret, several replicas only with the Redis queue,
// and the grace period outlasts the drain.
import { readdirSync, readFileSync } from "node:fs";
import yaml from "js-yaml";
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { PersistentVolumeClaim, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";

type Obj = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: any };

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "v1/Service": Service,
  "v1/Secret": Secret,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

const dir = new URL("../deploy/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
const objects: Obj[] = files.flatMap((f) => yaml.loadAll(readFileSync(new URL(f, dir), "utf8")) as Obj[]);
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe("deploy/", () => {
  it("holds only objects valid against the Kubernetes schemas, each listed in the kustomization", () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${object.kind} ${object.metadata.name}`).toBeDefined();
      expect(() => new Model!(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
    const kustomization = yaml.load(readFileSync(new URL("kustomization.yaml", dir), "utf8")) as { resources: string[] };
    expect(kustomization.resources.sort()).toEqual(files.filter((f) => !f.includes("example")).sort());
  });

  it("runs the app non-root with probes on /healthz and /readyz, credentials from the Secret, the Redis queue for several replicas, and a grace period longer than the drain", () => {
    const deployment = find("Deployment", "paved")!;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    const port = container.ports.find((p: any) => p.name === "http").containerPort;
    expect(String(port)).toBe(env.PORT);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(env.NODE_ENV).toBe("production");
    expect(env.HOST).toBe("0.0.0.0");

    // Every secret reference names a key the Secret has; the private key is a mounted file.
    const secret = find("Secret", "paved-github-app")!;
    for (const e of container.env.filter((x: any) => x.valueFrom)) {
      expect(e.valueFrom.secretKeyRef.name).toBe("paved-github-app");
      expect(Object.keys(secret.stringData)).toContain(e.valueFrom.secretKeyRef.key);
    }
    expect(Object.keys(env)).toEqual(expect.arrayContaining(["APP_ID", "WEBHOOK_SECRET", "PRIVATE_KEY_PATH"]));
    const keyVolume = pod.volumes.find((v: any) => v.secret?.secretName === "paved-github-app");
    const mount = container.volumeMounts.find((m: any) => m.name === keyVolume.name);
    expect(`${mount.mountPath}/${keyVolume.secret.items[0].path}`).toBe(env.PRIVATE_KEY_PATH);
    expect(Object.keys(secret.stringData)).toContain(keyVolume.secret.items[0].key);

    // Several replicas share the durable queue: REDIS_URL names the Redis Service and its port.
    expect(deployment.spec.replicas).toBeGreaterThan(1);
    const redisUrl = new URL(env.REDIS_URL);
    const redisService = find("Service", redisUrl.hostname)!;
    expect(redisService.spec.ports.map((p: any) => p.port)).toContain(Number(redisUrl.port));
    const redis = find("Deployment", redisUrl.hostname)!;
    expect(redis.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(["--appendonly", "yes", "--maxmemory-policy", "noeviction"]));

    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(env.PAVED_DRAIN_MS));
  });

  it("builds the image in two stages on Node 24, runs it as a non-root user, with node itself as the command", () => {
    const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every((image) => /^node:24\b/.test(image!))).toBe(true);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/server\.js"\]$/m);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.scripts.start).toBe("exec node ./dist/server.js");
  });
});

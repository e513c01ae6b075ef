/** A valid manifest with `count` services (of the example's kinds), for size and budget tests. */
export function generatedManifest(count: number, options: { owner?: string; replicas?: number } = {}): string {
  const lines = ["apiVersion: paved.dev/v1", `owner: ${options.owner ?? "payments"}`, "services:"];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  svc-${i}:`,
      // Pinned by digest: no production-digest warnings, so the check has no annotations to batch.
      `    image: ghcr.io/acme/svc-${i}@sha256:${i.toString(16).padStart(64, "0")}`,
      "    port: 8080",
      `    replicas: ${options.replicas ?? 2}`,
      "    env:",
      "      LOG_LEVEL: info",
      "    health:",
      "      path: /healthz",
      `    ingress: { host: svc-${i}.example.com }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

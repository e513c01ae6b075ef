import { describe, it, expect } from "vitest";
import { at, catalogConfig, check, config, errors, onlyError, yaml } from "./manifest-fixtures.js";

const head = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n";

describe("cross-field rules", () => {
  it("autoscaling max ≥ min, at max", () => {
    const d = onlyError(check(head + "  api:\n    image: a:1\n    autoscaling: { min: 5, max: 2 }\n"));
    expect(at(d)).toBe("autoscaling-range@6:33");
    expect(d.path).toBe("/services/api/autoscaling/max");
    expect(d.message).toBe("`autoscaling.max` (2) must be at least `autoscaling.min` (5)");
  });

  it("autoscaling range broken by an override is reported at the override, once", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api:
          image: a:1
          autoscaling: { min: 2, max: 10 }
      environments:
        production:
          services:
            api:
              autoscaling: { min: 20 }
    `);
    const d = onlyError(result);
    expect(at(d)).toBe("autoscaling-range@11:29");
    expect(d.path).toBe("/environments/production/services/api/autoscaling/min");
    expect(d.message).toContain("in `production`");
  });

  it("health needs a port", () => {
    const d = onlyError(check(head + "  api:\n    image: a:1\n    health: { path: /healthz }\n"));
    expect(at(d)).toBe("health-needs-port@6:5");
  });

  it("ingress needs a port, reported once for the base (not per environment)", () => {
    const d = onlyError(check(head + "  api:\n    image: a:1\n    ingress: { host: api.example.com }\n"));
    expect(at(d)).toBe("ingress-needs-port@6:5");
    expect(d.path).toBe("/services/api/ingress");
  });

  it("an override removing the port while ingress remains is reported at the override", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api:
          image: a:1
          port: 8080
          ingress: { host: api.example.com }
      environments:
        production:
          services:
            api: { port: null }
    `);
    const d = onlyError(result);
    expect(at(d)).toBe("ingress-needs-port@11:20");
    expect(d.path).toBe("/environments/production/services/api/port");
    expect(d.message).toMatch(/^in `production`, /);
  });

  it("an override may add ingress only with a port", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        worker:
          image: a:1
      environments:
        staging:
          services:
            worker: { ingress: { host: w.example.com } }
    `);
    expect(at(onlyError(result))).toBe("ingress-needs-port@9:17");
  });
});

describe("env placeholders", () => {
  const service = (env: string, deps = "    dependencies:\n      db: { type: postgres, class: small }\n") =>
    head + "  api:\n    image: ghcr.io/acme/api:1\n" + deps + "    env:\n" + env;

  it("a placeholder must name a declared dependency", () => {
    const d = onlyError(check(service("      DB: ${dependencies.dbb.url}\n"), catalogConfig));
    expect(at(d)).toBe("unknown-dependency@9:11");
    expect(d.message).toContain("did you mean `db`?");
  });

  it("and an output its type has, listing the outputs", () => {
    const d = onlyError(check(service("      DB: ${dependencies.db.uri}\n"), catalogConfig));
    expect(at(d)).toBe("unknown-output@9:11");
    expect(d.message).toContain("did you mean `url`?");
    expect(d.message).toContain("`host`, `port`, `username`, `password`, `database` and `url`");
  });

  it("a placeholder inside a longer string is an error in v1", () => {
    const d = onlyError(check(service('      DB: "postgres://${dependencies.db.host}/app"\n'), catalogConfig));
    expect(at(d)).toBe("placeholder-in-string@9:11");
    expect(d.message).toContain("`$${`");
  });

  it("`$${` is a literal `${`, not an error", () => {
    const result = check(service('      PRICE: "costs $${AMOUNT}"\n      OK: ${dependencies.db.url}\n'), catalogConfig);
    expect(errors(result)).toEqual([]);
  });

  it("an unknown placeholder form is an error", () => {
    const d = onlyError(check(service("      HOME: ${HOME}\n"), catalogConfig));
    expect(at(d)).toBe("unknown-placeholder@9:13");
  });

  it("an override that removes the dependency breaks the placeholder at the override", () => {
    const text =
      service("      DB: ${dependencies.db.url}\n") +
      "environments:\n  production:\n    services:\n      api:\n        dependencies: { db: null }\n";
    const d = onlyError(check(text, catalogConfig));
    expect(at(d)).toBe("unknown-dependency@14:29");
    expect(d.message).toMatch(/^in `production`, /);
  });
});

describe("config-aware rules", () => {
  it("an environment not in the config lists the configured ones", () => {
    const result = check(head + "  api: { image: 'a:1' }\nenvironments:\n  prod:\n    services: {}\n  qa: {}\n", catalogConfig);
    expect(errors(result).map(at)).toEqual(["unknown-environment@6:3", "unknown-environment@8:3"]);
    expect(errors(result)[0]!.message).toContain("did you mean `production`?");
    expect(errors(result)[1]!.message).toContain("`staging` and `production`");
  });

  it("an override for an undeclared service suggests the nearest", () => {
    const d = onlyError(check(head + "  api: { image: 'a:1' }\nenvironments:\n  staging:\n    services:\n      apj: { replicas: 2 }\n"));
    expect(at(d)).toBe("unknown-service@8:7");
    expect(d.message).toContain("did you mean `api`?");
  });

  it("dependency type must be in the catalog", () => {
    const d = onlyError(
      check(head + "  api:\n    image: a:1\n    dependencies:\n      db: { type: postgress }\n", catalogConfig),
    );
    expect(at(d)).toBe("unknown-dependency-type@7:19");
    expect(d.message).toContain("did you mean `postgres`?");
  });

  it("with no catalog, any dependency type is unknown", () => {
    const d = onlyError(check(head + "  api:\n    image: a:1\n    dependencies:\n      db: { type: postgres }\n"));
    expect(d.code).toBe("unknown-dependency-type");
    expect(d.message).toContain("declares no dependency types");
  });

  it("dependency class must be allowed", () => {
    const d = onlyError(
      check(head + "  api:\n    image: a:1\n    dependencies:\n      db: { type: postgres, class: huge }\n", catalogConfig),
    );
    expect(at(d)).toBe("unknown-dependency-class@7:36");
    expect(d.message).toContain("`small`, `medium` and `large`");
  });

  it("ingress without host needs the environment's domain", () => {
    const text = head + "  api:\n    image: a:1\n    port: 8080\n    ingress: {}\n";
    const d = onlyError(check(text, catalogConfig)); // staging has a domain, production not
    expect(at(d)).toBe("ingress-needs-host@7:5");
    expect(d.message).toMatch(/^in `production`, `ingress` has no `host`, and this environment has no `domain`/);
    // No domain anywhere: still one error at the base ingress, not one per environment.
    expect(errors(check(text)).map(at)).toEqual(["ingress-needs-host@7:5"]);
  });

  it("an override can supply the host", () => {
    const text =
      head +
      "  api:\n    image: a:1\n    port: 8080\n    ingress: {}\nenvironments:\n  production:\n    services:\n      api: { ingress: { host: api.acme.io } }\n";
    expect(errors(check(text, catalogConfig))).toEqual([]);
  });

  it("the resolved namespace must be a DNS-1123 label of at most 63 characters", () => {
    const cfg = config("environments:\n  staging:\n    cluster: https://kubernetes.default.svc\n    namespace: '{owner}-{env}-{env}-{env}'\n");
    const d = onlyError(check(`apiVersion: paved.dev/v1\nowner: ${"o".repeat(40)}\nservices:\n  api: { image: 'a:1' }\n`, cfg));
    expect(at(d)).toBe("invalid-namespace@2:8");
    expect(d.message).toContain("at most 63");
  });

  it("a namespace that depends only on the owner is located at the owner", () => {
    const cfg = config("environments:\n  staging:\n    cluster: https://kubernetes.default.svc\n    namespace: '{owner}-{env}-{env}-{env}'\n");
    const owner = "o".repeat(40);
    const result = check(`apiVersion: paved.dev/v1\nowner: ${owner}\nservices:\n  a: { image: 'a:1' }\n  b: { image: 'b:1' }\n`, cfg);
    expect(errors(result).map(at)).toEqual(["invalid-namespace@2:8"]);
  });
});

describe("unit-level re-validation of merged services", () => {
  it("an override that leaves autoscaling without min is reported at the override", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api:
          image: a:1
      environments:
        production:
          services:
            api:
              autoscaling: { max: 5 }
    `);
    const d = onlyError(result);
    expect(at(d)).toBe("missing-field@10:9");
    expect(d.message).toBe("in `production`, `autoscaling` is missing the required field `min`; autoscaling needs both `min` and `max`");
    expect(result.units.map((u) => u.environment)).toEqual(["staging"]);
  });

  it("a dependency added by an override without a type", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api:
          image: a:1
      environments:
        staging:
          services:
            api:
              dependencies: { cache: { class: small } }
    `);
    expect(at(onlyError(result))).toBe("missing-field@10:25");
  });
});

import { describe, it, expect } from "vitest";
import { at, check, errors, onlyError, withService, yaml } from "./manifest-fixtures.js";
import { schemaDocument } from "../src/document/schema-document.js";
import { patternWords } from "../src/document/pattern-words.js";
import { cpuHint, imageHint, memoryHint } from "../src/document/hints.js";

const IMAGE = "image: ghcr.io/acme/api:1.0.0";

describe("schema: unknown and missing fields", () => {
  it("reports an unknown field at its key with a suggestion", () => {
    const d = onlyError(check(withService(`${IMAGE}\nreplica: 2`)));
    expect(at(d)).toBe("unknown-field@6:5");
    expect(d.path).toBe("/services/api/replica");
    expect(d.message).toBe("unknown field `replica`; did you mean `replicas`?");
  });

  it("lists the known fields when nothing is close", () => {
    const d = onlyError(check(withService(`${IMAGE}\nzzzzzz: 2`)));
    expect(d.code).toBe("unknown-field");
    expect(d.message).not.toContain("did you mean");
    expect(d.message).toContain("`replicas`");
  });

  it("reports unknown top-level and nested fields", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      servces: {}
      services:
        api:
          image: ghcr.io/acme/api:1.0.0
          autoscaling: { min: 1, max: 2, cpus: 50 }
    `);
    expect(errors(result).map(at)).toEqual(["unknown-field@3:1", "unknown-field@7:36"]);
    expect(errors(result)[0]!.message).toContain("did you mean `services`?");
    expect(errors(result)[1]!.message).toContain("did you mean `cpu`?");
  });

  it("reports a missing field at the parent object's key", () => {
    const d = onlyError(check(withService("port: 8080")));
    expect(at(d)).toBe("missing-field@4:3");
    expect(d.path).toBe("/services/api/image");
    expect(d.message).toContain("service `api` is missing the required field `image`");
  });

  it("reports missing top-level fields at the document start", () => {
    const result = check("apiVersion: paved.dev/v1\nservices:\n  api: { image: 'a:1' }\n");
    expect(errors(result).map(at)).toEqual(["missing-field@1:1"]);
    expect(errors(result)[0]!.message).toContain("`owner`");
  });

  it("reports a missing field inside an override at the override's key", () => {
    const result = check(
      withService(IMAGE, "environments:\n  staging:\n    services:\n      api:\n        secrets:\n          K: { property: x }\n"),
    );
    const d = onlyError(result);
    expect(at(d)).toBe("missing-field@11:11");
    expect(d.message).toContain("`key`");
  });
});

describe("schema: apiVersion and the root", () => {
  it("names the supported apiVersion", () => {
    const d = onlyError(check("apiVersion: paved.dev/v2\nowner: payments\nservices:\n  api: { image: 'a:1' }\n"));
    expect(at(d)).toBe("unsupported-api-version@1:13");
    expect(d.message).toBe("unsupported apiVersion `paved.dev/v2`; the supported version is `paved.dev/v1`");
  });

  it("explains a root that is not a mapping", () => {
    const d = onlyError(check("- a\n- b\n"));
    expect(d.code).toBe("invalid-type");
    expect(d.line).toBe(1);
    expect(d.message).toContain("must be a mapping");
  });

  it("explains an empty file", () => {
    const d = onlyError(check(""));
    expect(d.code).toBe("empty-file"); // said by the parser
    expect(d.message).toContain("empty");
  });

  it("reports YAML syntax errors from the parser and stops", () => {
    const result = check("apiVersion: paved.dev/v1\nowner: [unclosed\n");
    expect(errors(result).length).toBeGreaterThan(0);
    expect(errors(result).every((d) => d.code === "yaml-syntax")).toBe(true);
    expect(result.units).toEqual([]);
  });
});

describe("schema: types and values in words", () => {
  it("memory 256MB → write 256Mi", () => {
    const d = onlyError(check(withService(`${IMAGE}\nmemory: 256MB`)));
    expect(at(d)).toBe("invalid-value@6:13");
    expect(d.message).toContain("write `256Mi`");
  });

  it.each([
    ["1G", "1Gi"],
    ["512M", "512Mi"],
    ["1gi", "1Gi"],
    ["0.5Gi", "512Mi"],
    ["2 GB", "2Gi"],
  ])("memory hint %s → %s", (written, fixed) => {
    expect(memoryHint(written)).toBe(`write \`${fixed}\``);
  });

  it("memory without a unit asks for one", () => {
    expect(memoryHint("256")).toContain("`256Mi`");
  });

  it("cpu hints", () => {
    expect(cpuHint("500M")).toBe("write `500m`");
    expect(cpuHint("0.5 cores")).toBe("write `500m`");
    expect(cpuHint("0.2505")).toContain("three decimals");
    const d = onlyError(check(withService(`${IMAGE}\ncpu: 250 m`)));
    expect(at(d)).toBe("invalid-value@6:10");
    expect(d.message).toContain("write `250m`");
  });

  it("cpu written as a YAML number says to quote it", () => {
    const d = onlyError(check(withService(`${IMAGE}\ncpu: 0.5`)));
    expect(at(d)).toBe("invalid-type@6:10");
    expect(d.message).toContain('`"0.5"`');
    expect(d.message).toContain("`500m`");
  });

  it("image without a tag: add a tag or a digest", () => {
    const d = onlyError(check(withService("image: ghcr.io/acme/api")));
    expect(at(d)).toBe("invalid-value@5:12");
    expect(d.message).toContain("add a tag like `:1.0.0` or a digest");
  });

  it("image hints for other slips", () => {
    expect(imageHint("https://ghcr.io/acme/api:1")).toContain("drop the `https://`");
    expect(imageHint("ghcr.io/Acme/API:1")).toContain("ghcr.io/acme/api:1");
    expect(imageHint("ghcr.io/acme/api:")).toContain("tag after `:` is empty");
    expect(imageHint("ghcr.io/acme/api@sha256:zz")).toContain("digest");
  });

  it("a wrong type names what was expected and what was found", () => {
    const d = onlyError(check(withService(`${IMAGE}\nreplicas: three`)));
    expect(at(d)).toBe("invalid-type@6:15");
    expect(d.message).toBe("`replicas` must be a whole number, not a string (`three`)");
  });

  it("out-of-range numbers state the range", () => {
    const d = onlyError(check(withService(`${IMAGE}\nreplicas: 80`)));
    expect(at(d)).toBe("invalid-value@6:15");
    expect(d.message).toBe("`replicas` must be between 0 and 50; found `80`");
    const port = onlyError(check(withService(`${IMAGE}\nport: 0`)));
    expect(port.message).toContain("between 1 and 65535");
    const min = onlyError(check(withService(`${IMAGE}\nautoscaling: { min: 0, max: 2 }`)));
    expect(at(min)).toBe("invalid-value@6:25");
    expect(min.message).toContain("at least 1");
  });

  it("names violating patterns are explained in words, at the key", () => {
    const d = onlyError(check("apiVersion: paved.dev/v1\nowner: payments\nservices:\n  Api_Server: { image: 'a:1' }\n"));
    expect(at(d)).toBe("invalid-value@4:3");
    expect(d.message).toContain("lowercase letters, digits and hyphens, starting with a letter");
    expect(d.message).toContain("did you mean `api-server`?");
    expect(d.message).not.toContain("^[");
  });

  it("owner slugs are explained in words", () => {
    const d = onlyError(check("apiVersion: paved.dev/v1\nowner: Payments Team\nservices:\n  api: { image: 'a:1' }\n"));
    expect(at(d)).toBe("invalid-value@2:8");
    expect(d.message).toContain("did you mean `payments-team`?");
  });

  it("env names and hosts", () => {
    const env = onlyError(check(withService(`${IMAGE}\nenv:\n  LOG-LEVEL: info`)));
    expect(at(env)).toBe("invalid-value@7:7");
    expect(env.message).toContain("`LOG_LEVEL`");
    const host = onlyError(check(withService(`${IMAGE}\nport: 80\ningress: { host: "https://api.example.com" }`)));
    expect(host.code).toBe("invalid-value");
    expect(host.line).toBe(7);
    expect(host.message).toContain("without `https://`");
  });

  it("enum values suggest the nearest", () => {
    const d = onlyError(check("apiVersion: paved.dev/v1\nowner: payments\nlifecycle: prod\nservices:\n  api: { image: 'a:1' }\n"));
    expect(at(d)).toBe("invalid-value@3:12");
    expect(d.message).toContain("`experimental`, `production` or `deprecated`");
  });

  it("long strings state the limit", () => {
    const d = onlyError(check(withService(`${IMAGE}\ndescription: ${"x".repeat(201)}`)));
    expect(d.code).toBe("invalid-value");
    expect(d.message).toContain("at most 200");
  });

  it("service count limits", () => {
    const none = onlyError(check("apiVersion: paved.dev/v1\nowner: payments\nservices: {}\n"));
    expect(at(none)).toBe("invalid-value@3:1");
    expect(none.message).toContain("at least one service");
    const many = Array.from({ length: 101 }, (_, i) => `  s${i}: { image: 'a:1' }`).join("\n");
    const tooMany = onlyError(check(`apiVersion: paved.dev/v1\nowner: payments\nservices:\n${many}\n`));
    expect(at(tooMany)).toBe("invalid-value@3:1");
    expect(tooMany.message).toContain("101 services; at most 100");
  });
});

describe("schema: overrides report the real error once", () => {
  it("anyOf [X, null] noise collapses to the X error", () => {
    const result = check(
      withService(IMAGE, "environments:\n  production:\n    services:\n      api: { replicas: many, ingress: { host: 3 } }\n"),
    );
    expect(errors(result).map(at)).toEqual(["invalid-type@9:24", "invalid-type@9:47"]);
    expect(errors(result)[0]!.message).toBe("`replicas` must be a whole number (or null to remove it), not a string (`many`)");
    expect(errors(result).some((d) => /anyOf|must match a schema/.test(d.message))).toBe(false);
  });

  it("an unknown field inside an override is one error with a suggestion", () => {
    const d = onlyError(
      check(withService(IMAGE, "environments:\n  production:\n    services:\n      api:\n        ingress: { hots: a.example.com }\n")),
    );
    expect(at(d)).toBe("unknown-field@10:20");
    expect(d.message).toBe("unknown field `hots`; did you mean `host`?");
  });

  it("an override's bad memory gets the same hint as the base", () => {
    const d = onlyError(
      check(withService(IMAGE, "environments:\n  production:\n    services:\n      api:\n        memory: 1G\n")),
    );
    expect(at(d)).toBe("invalid-value@10:17");
    expect(d.message).toContain("write `1Gi`");
  });

  it("schema errors stop before rules and resolve: no units", () => {
    const result = check(withService(`${IMAGE}\nreplicas: -1`));
    expect(result.units).toEqual([]);
    expect(result.manifest).toBeUndefined();
  });
});

describe("schema: hostile keys", () => {
  it("__proto__ and constructor are ordinary (and here invalid) keys, never prototypes", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      __proto__: { polluted: true }
      services:
        api: { image: 'a:1', env: { constructor: x } }
      environments:
        staging:
          services:
            __proto__: { replicas: 2 }
    `);
    expect(errors(result).map(at)).toEqual(["unknown-field@3:1", "invalid-value@9:7"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).replicas).toBeUndefined();
  });
});

describe("schema: no raw Ajv text reaches people", () => {
  function patterns(node: unknown, out: string[] = []): string[] {
    if (Array.isArray(node)) node.forEach((n) => patterns(n, out));
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "pattern" && typeof value === "string") out.push(value);
        else patterns(value, out);
      }
    }
    return out;
  }

  it("every pattern in both schemas has words", () => {
    const all = [...patterns(schemaDocument("platform")), ...patterns(schemaDocument("config"))];
    expect(all.length).toBeGreaterThan(10);
    for (const pattern of all) expect(patternWords(pattern), pattern).toBeDefined();
  });

  it("a hostile manifest yields sentences, not Ajv messages", () => {
    const result = check(yaml`
      apiVersion: 1
      owner: [x]
      services:
        api:
          image: 3
          command: nope
          env: { A: [1] }
          secrets: { B: "plain" }
          dependencies: { db: { type: Postgres, params: { "bad key": 1 } } }
      environments:
        staging:
          services:
            api: { autoscaling: { max: -1 }, secrets: { X: 1 }, dependencies: { db: 3 } }
    `);
    const messages = errors(result).map((d) => d.message);
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages) {
      expect(message).not.toMatch(/must match pattern|must NOT|must be equal to|must match a schema|property name must be valid/);
    }
  });
});

describe("schema files", () => {
  // Paved compiles its own schemas without checking them against the meta-schema (a cold-start
  // cost on every CLI and Action run), so this test is where they are checked.
  it("are valid JSON Schema 2020-12", async () => {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    for (const name of ["platform", "config"] as const) {
      expect(ajv.validateSchema(schemaDocument(name)), `${name}.schema.json: ${ajv.errorsText()}`).toBe(true);
    }
  });
});

// The kubelet expands `$(VAR)` and `$$` in a container's env values, command and args: what the
// user wrote must be what the process gets, in the rendered Deployment and in helm values.
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import type { Unit } from "../src/core/unit.js";
import { defaultTemplates } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import { fullUnit, helmConfig, manifestsConfig, SOURCE } from "./render-fixtures.js";
import { kubeletExpand } from "./support/kubelet-expansion.js";

type Doc = Record<string, any>;

/** Every variable defined: the harshest kubelet there is. */
const everyVar = (name: string) => `<value of ${name}>`;

const WRITTEN = {
  env: "cost: $(PRICE) $$ and $HOME, 100$",
  command: ["sh", "-c", "echo $(HOME) $$ é$é"],
  args: ["--price=$(PRICE)", "$$$"],
};

function unit(): Unit {
  return fullUnit({ env: { GREETING: WRITTEN.env, PRICE: "$5" }, command: WRITTEN.command, args: WRITTEN.args });
}

function file(unitToRender: Unit, mode: "manifests" | "helm", suffix: string): Doc {
  const result = renderUnits([unitToRender], mode === "helm" ? helmConfig : manifestsConfig, SOURCE, defaultTemplates());
  expect(result.diagnostics).toEqual([]);
  const [, text] = [...result.files].find(([path]) => path.endsWith(suffix))!;
  return yaml.load(text, { schema: yaml.CORE_SCHEMA }) as Doc;
}

function envValue(env: Doc[], name: string): string {
  return env.find((e) => e.name === name)!.value;
}

describe("container strings reach the process as written", () => {
  it("the kubelet model is Kubernetes' own expansion (cases from its expand_test.go)", () => {
    const vars = new Map([["VAR_A", "A"], ["VAR_B", "B"]]);
    const lookup = (name: string) => vars.get(name);
    expect(kubeletExpand("$(VAR_A)", lookup)).toBe("A");
    expect(kubeletExpand("___$(VAR_B)___", lookup)).toBe("___B___");
    expect(kubeletExpand("$(VAR_A)-$(VAR_B)", lookup)).toBe("A-B");
    expect(kubeletExpand("$$(VAR_A)", lookup)).toBe("$(VAR_A)");
    expect(kubeletExpand("$$$$$$(VAR_A)", lookup)).toBe("$$$(VAR_A)");
    expect(kubeletExpand("$(VAR_DNE)", lookup)).toBe("$(VAR_DNE)");
    expect(kubeletExpand("$(VAR_A", lookup)).toBe("$(VAR_A");
    expect(kubeletExpand("$VAR_A", lookup)).toBe("$VAR_A");
    expect(kubeletExpand("foo$", lookup)).toBe("foo$");
    // And what unescaped text would suffer: the negative control for the tests below.
    expect(kubeletExpand(WRITTEN.env, everyVar)).not.toBe(WRITTEN.env);
    expect(kubeletExpand("é$é", everyVar)).not.toBe("é$é");
  });

  it("manifests mode: env values, command and args in the Deployment have `$` doubled", () => {
    const container = file(unit(), "manifests", "/manifests/deployment.yaml").spec.template.spec.containers[0];
    expect(envValue(container.env, "GREETING")).toBe("cost: $$(PRICE) $$$$ and $$HOME, 100$$");
    expect(envValue(container.env, "PRICE")).toBe("$$5");
    expect(container.command).toEqual(["sh", "-c", "echo $$(HOME) $$$$ é$$é"]);
    expect(container.args).toEqual(["--price=$$(PRICE)", "$$$$$$"]);
    expect(kubeletExpand(envValue(container.env, "GREETING"), everyVar)).toBe(WRITTEN.env);
    expect(container.command.map((c: string) => kubeletExpand(c, everyVar))).toEqual(WRITTEN.command);
    expect(container.args.map((c: string) => kubeletExpand(c, everyVar))).toEqual(WRITTEN.args);
  });

  it("helm mode: values.yaml carries them container-ready too (its env list is EnvVars a chart copies as is)", () => {
    const values = file(unit(), "helm", "/values.yaml");
    expect(envValue(values.env, "GREETING")).toBe("cost: $$(PRICE) $$$$ and $$HOME, 100$$");
    expect(values.command.map((c: string) => kubeletExpand(c, everyVar))).toEqual(WRITTEN.command);
    expect(values.args.map((c: string) => kubeletExpand(c, everyVar))).toEqual(WRITTEN.args);
  });

  it("`$${` (Paved's own escape for a literal `${`) becomes `${`, written `$${` for the kubelet", () => {
    const container = file(fullUnit({ env: { TEMPLATE: "$${HOME}" } }), "manifests", "/manifests/deployment.yaml").spec.template.spec.containers[0];
    expect(envValue(container.env, "TEMPLATE")).toBe("$${HOME}");
    expect(kubeletExpand(envValue(container.env, "TEMPLATE"), everyVar)).toBe("${HOME}");
  });
});

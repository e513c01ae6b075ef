/**
 * The house rules (issue #12): shells → flows → adapters → core, never back up; no cycles.
 * Checked by test/layering.test.ts in `npm test`, and runnable alone: `npx depcruise src`.
 */
const SHELLS = "^src/(app|cli|action|demo)/|^src/(server|index)\\.ts$";
const FLOWS = "^src/flows/";
const ADAPTERS = "^src/(github|gitops)/";
const CORE =
  "^src/(core|document|settings|config|manifest|policy|render|plan|report|feedback|portal|previews|metrics|generated)/";

module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "The pure core (parse, validate, render, plan, report) imports no flow, adapter or shell.",
      severity: "error",
      from: { path: CORE },
      to: { path: [FLOWS, ADAPTERS, SHELLS] },
    },
    {
      name: "adapters-below-flows",
      comment: "GitHub and GitOps adapters only talk to their service; use cases live in src/flows.",
      severity: "error",
      from: { path: ADAPTERS },
      to: { path: [FLOWS, SHELLS] },
    },
    {
      name: "flows-below-shells",
      comment: "Flows are given their ports; they never reach into the App, the CLI or the Action.",
      severity: "error",
      from: { path: FLOWS },
      to: { path: SHELLS },
    },
    {
      name: "shells-are-separate",
      comment: "The App, the CLI and the Action share flows and adapters, not each other's code.",
      severity: "error",
      from: { path: "^src/(app|action)/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "only-shells-use-probot",
      comment: "Probot is the App's shell; flows and adapters type their logger with src/core/log.ts.",
      severity: "error",
      from: { pathNot: SHELLS },
      to: { path: "node_modules/probot/" },
    },
    {
      name: "no-circular",
      comment: "A module cycle means two ideas that are really one, or a port declared in the wrong place.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};

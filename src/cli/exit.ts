/**
 * The CLI's exit status, named here only: 0 done (warnings allowed), 1 the input has errors or the
 * command could not do what was asked (refused, conflict; every command says why first), 2 usage or
 * I/O problems (a `CliError`, printed by main.ts).
 */
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** 1 when any diagnostic is an error, else 0. */
export function exitCodeFor(diagnostics: readonly Diagnostic[]): number {
  return hasErrors(diagnostics) ? EXIT_FAILED : EXIT_OK;
}

/** Real editor breakpoints from a breakpoint spec: what the language server's smartDebug.accept
 * returns, or a suggestion from the Hypotheses view. Condition, hit condition and log message are
 * kept (VS Code drops them from a DAP `breakpoint` event, so the extension adds the breakpoint). */

import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Parsed, Suggestion } from '../hypotheses/events';
import type { Logger } from '../common/log';
import type { BreakpointPlace, EditorApi } from '../common/vscodeapi';

/** `{uri, line, column, condition, hitCondition, logMessage}`; line and column are 1-based, as in
 * DAP and in the suggestions (the editor API counts from 0). */
export interface BreakpointSpec {
  uri: string;
  line: number;
  column?: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

export function parseBreakpointSpec(value: unknown): Parsed<BreakpointSpec> {
  const spec = value as Partial<Record<keyof BreakpointSpec, unknown>> | null;
  if (typeof spec !== 'object' || spec === null)
    return { ok: false, error: 'the breakpoint spec is not an object' };
  if (typeof spec.uri !== 'string' || !spec.uri)
    return { ok: false, error: 'the breakpoint spec has no uri' };
  if (typeof spec.line !== 'number' || !Number.isInteger(spec.line) || spec.line < 1) {
    return { ok: false, error: 'the breakpoint spec has no 1-based line' };
  }
  const column =
    typeof spec.column === 'number' && Number.isInteger(spec.column) && spec.column >= 1
      ? spec.column
      : undefined;
  return {
    ok: true,
    value: {
      uri: spec.uri,
      line: spec.line,
      column,
      condition: nonEmpty(spec.condition),
      hitCondition: nonEmpty(spec.hitCondition),
      logMessage: nonEmpty(spec.logMessage),
    },
  };
}

export function placeOf(spec: BreakpointSpec): BreakpointPlace {
  return {
    uri: spec.uri,
    line: spec.line - 1,
    character: (spec.column ?? 1) - 1,
    condition: spec.condition,
    hitCondition: spec.hitCondition,
    logMessage: spec.logMessage,
  };
}

export function specFromSuggestion(suggestion: Suggestion, root: string | undefined): BreakpointSpec {
  const file = path.isAbsolute(suggestion.file) || !root ? suggestion.file : path.join(root, suggestion.file);
  return {
    uri: file,
    line: suggestion.line,
    // A snapshot probe captures and goes on; as the user's breakpoint it stops where it would capture.
    condition:
      suggestion.kind === 'conditional' || suggestion.kind === 'snapshot' ? suggestion.condition : undefined,
    hitCondition: suggestion.kind === 'hit_count' ? suggestion.hitCondition : undefined,
    logMessage: suggestion.kind === 'logpoint' ? suggestion.logMessage : undefined,
  };
}

/** Adds the breakpoint a spec describes, replacing the user's breakpoints on that same line (an
 * accepted suggestion is the breakpoint the user wants there). */
export function addBreakpoint(api: EditorApi, spec: BreakpointSpec): vscode.SourceBreakpoint {
  const breakpoint = api.newSourceBreakpoint(placeOf(spec));
  const target = breakpoint.location;
  const sameLine = api
    .breakpoints()
    .filter(
      (existing): existing is vscode.SourceBreakpoint =>
        'location' in existing &&
        (existing as vscode.SourceBreakpoint).location.uri.toString() === target.uri.toString() &&
        (existing as vscode.SourceBreakpoint).location.range.start.line === target.range.start.line,
    );
  if (sameLine.length) api.removeBreakpoints(sameLine);
  api.addBreakpoints([breakpoint]);
  return breakpoint;
}

/** The client side of the language server's smartDebug.accept: its result becomes a breakpoint. */
export function addAcceptedBreakpoint(
  api: EditorApi,
  log: Logger,
  result: unknown,
): vscode.SourceBreakpoint | undefined {
  const spec = parseBreakpointSpec(result);
  if (!spec.ok) {
    const message = `Smart Debug: the accepted suggestion could not become a breakpoint: ${spec.error}`;
    log.error(`${message} (${JSON.stringify(result)})`);
    void api.showErrorMessage(message);
    return undefined;
  }
  log.info(`accepted: breakpoint at ${spec.value.uri}:${spec.value.line}`);
  return addBreakpoint(api, spec.value);
}

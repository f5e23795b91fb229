/** The commands behind the Hypotheses view: test a hypothesis now in the running session, add a
 * suggestion as a breakpoint, and localize the failing tests with `smart-debug localize`. */

import type * as vscode from 'vscode';
import { DEBUG_TYPE, TEST_HYPOTHESIS_REQUEST, shellQuote } from '../common/constants';
import type { Logger } from '../common/log';
import { run, splitCommandLine, tail } from '../common/process';
import type { Interpreter } from '../common/python';
import type { EditorApi } from '../common/vscodeapi';
import { addBreakpoint, specFromSuggestion } from '../debug/breakpoints';
import type { HypothesisBoard } from './board';
import { type Suggestion, parseLocalizeReport } from './events';
import { hypothesisLabel } from './present';

/** The running smart-debug session the command is for: the active one, else the only one. */
function smartDebugSession(api: EditorApi): vscode.DebugSession | undefined {
  const active = api.activeDebugSession();
  return active?.type === DEBUG_TYPE ? active : undefined;
}

/** Sends `smartDebug/testHypothesis {id}`; the verdict comes back as evidence and hypotheses events. */
export async function testHypothesis(
  api: EditorApi,
  board: HypothesisBoard,
  log: Logger,
  id?: string,
): Promise<boolean> {
  const session = smartDebugSession(api);
  if (!session) {
    void api.showInformationMessage('Smart Debug: start a Smart Debug Session to test a hypothesis in it.');
    return false;
  }
  if (!id) {
    const hypotheses = board.current()?.hypotheses ?? [];
    if (!hypotheses.length) {
      void api.showInformationMessage('Smart Debug: this session has no hypothesis yet.');
      return false;
    }
    const picked = await api.showQuickPick(
      hypotheses.map((h) => ({ label: hypothesisLabel(h), id: h.id })),
      { placeHolder: 'Test which hypothesis now?' },
    );
    if (!picked) return false;
    id = picked.id;
  }
  try {
    const body: unknown = await session.customRequest(TEST_HYPOTHESIS_REQUEST, { id });
    log.info(`${TEST_HYPOTHESIS_REQUEST} ${id}: ${JSON.stringify(body ?? {})}`);
    void api.showInformationMessage(testAnswerText(id, body));
    return true;
  } catch (error) {
    const message = `Smart Debug: could not test ${id}: ${error instanceof Error ? error.message : String(error)}`;
    log.error(message);
    void api.showErrorMessage(message);
    return false;
  }
}

/** The live session's answer (`{id, status, probes, note}`) in words. */
export function testAnswerText(id: string, body: unknown): string {
  const answer = (typeof body === 'object' && body !== null ? body : {}) as {
    status?: unknown;
    probes?: unknown;
    note?: unknown;
  };
  const probes = Array.isArray(answer.probes) ? answer.probes.length : 0;
  const status = typeof answer.status === 'string' ? ` (${answer.status})` : '';
  const note = typeof answer.note === 'string' && answer.note ? ` ${answer.note}.` : '';
  const placed = probes ? ` ${probes} probe${probes === 1 ? '' : 's'} in place;` : '';
  return `Smart Debug: testing ${id}${status} now;${placed} its verdict arrives as evidence.${note}`;
}

export function addSuggestionBreakpoint(
  api: EditorApi,
  suggestion: Suggestion,
  root: string | undefined,
): vscode.SourceBreakpoint {
  return addBreakpoint(api, specFromSuggestion(suggestion, root));
}

// localize runs the tests many times within its own budget (60 s by default) plus the test runs.
const LOCALIZE_TIMEOUT_MS = 15 * 60_000;
const LOCALIZE_NOTHING_FAILED = 3; // its exit code when the command never failed

export function defaultTestCommand(interpreter: Interpreter): string {
  return `${shellQuote(interpreter.path)} -m pytest -q`;
}

/** Runs `smart-debug localize --json -- <testCommand>` in `folder` and puts its ranking on the board. */
export async function localize(
  api: EditorApi,
  board: HypothesisBoard,
  log: Logger,
  interpreter: Interpreter,
  folder: string,
  testCommand: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const args = ['-m', 'dap_proxy.cli', 'localize', '--json', '--', ...splitCommandLine(testCommand)];
  log.info(`localize in ${folder}: ${interpreter.path} ${args.join(' ')}`);
  const result = await run(interpreter.path, args, { cwd: folder, timeoutMs: LOCALIZE_TIMEOUT_MS, signal });
  if (signal?.aborted) return false;
  if (result.code === LOCALIZE_NOTHING_FAILED) {
    void api.showInformationMessage(
      `Smart Debug: \`${testCommand}\` never failed, so there is nothing to localize.`,
    );
    return false;
  }
  const report = result.code === 0 ? parseLocalizeReport(result.stdout) : undefined;
  if (!report?.ok) {
    const why = report ? report.error : tail(result.stderr) || `exit code ${result.code}`;
    const message = `Smart Debug: localize failed: ${why}`;
    log.error(message);
    void api.showErrorMessage(message);
    return false;
  }
  board.open('localize', `localize: ${testCommand}`, folder);
  board.apply('localize', {
    type: 'hypotheses',
    hypotheses: report.value.hypotheses,
    other: report.value.other,
  });
  board.apply('localize', { type: 'suggestions', suggestions: report.value.suggestions });
  return true;
}

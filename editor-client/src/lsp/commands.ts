/** The client side of the language server's lens commands (lsp/server.py): the server records the
 * decision and answers; the editor does the rest. smartDebug.accept's spec becomes a real
 * breakpoint, smartDebug.showEvidence's markdown is shown, smartDebug.dismiss is logged (the
 * server refreshes the lenses itself). A refused command (the line changed since the lens was
 * made, no store) is one error message that says why. */

import { LSP_ACCEPT_COMMAND, LSP_DISMISS_COMMAND, LSP_SHOW_EVIDENCE_COMMAND } from '../common/constants';
import type { Logger } from '../common/log';
import type { EditorApi } from '../common/vscodeapi';
import { addAcceptedBreakpoint } from '../debug/breakpoints';

export type Next = (command: string, args: unknown[]) => Thenable<unknown> | Promise<unknown>;

const WHAT: Record<string, string> = {
  [LSP_ACCEPT_COMMAND]: 'accept the suggestion',
  [LSP_DISMISS_COMMAND]: 'dismiss the suggestion',
  [LSP_SHOW_EVIDENCE_COMMAND]: 'show the evidence',
};

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export async function onServerCommand(
  api: EditorApi,
  log: Logger,
  command: string,
  args: unknown[],
  next: Next,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await next(command, args);
  } catch (error) {
    if (!(command in WHAT)) throw error;
    const message = `Smart Debug: could not ${WHAT[command]}: ${error instanceof Error ? error.message : String(error)}`;
    log.error(message);
    void api.showErrorMessage(message);
    return undefined;
  }
  if (command === LSP_ACCEPT_COMMAND) {
    addAcceptedBreakpoint(api, log, result);
    if (field(result, 'recorded') === false) {
      log.warn('accepted without a workspace store: later sessions will not inject it by themselves');
    }
  } else if (command === LSP_DISMISS_COMMAND) {
    log.info(`dismissed the suggestion on line ${String(field(result, 'line'))}`);
  } else if (command === LSP_SHOW_EVIDENCE_COMMAND) {
    const markdown = field(result, 'markdown');
    if (typeof markdown !== 'string') {
      const message = 'Smart Debug: the language server sent no evidence to show';
      log.error(`${message} (${JSON.stringify(result)})`);
      void api.showErrorMessage(message);
      return result;
    }
    const hypothesis = field(args[0], 'hypothesis');
    const session = field(args[0], 'session');
    await api.showMarkdown(
      `Evidence for ${String(hypothesis ?? 'the hypothesis')} (session ${String(session)})`,
      markdown,
    );
  }
  return result;
}

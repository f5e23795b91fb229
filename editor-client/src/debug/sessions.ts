/** Follows smart-debug sessions: their custom DAP events go to the HypothesisBoard, their start
 * and end show and hide the status bar item. */

import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../common/constants';
import type { Logger } from '../common/log';
import type { HypothesisBoard } from '../hypotheses/board';
import { parseCustomEvent } from '../hypotheses/events';
import type { SessionStatus } from '../hypotheses/view';

function rootOf(session: vscode.DebugSession): string | undefined {
  const cwd: unknown = session.configuration.cwd;
  return typeof cwd === 'string' && cwd ? cwd : session.workspaceFolder?.uri.fsPath;
}

export function followSessions(
  board: HypothesisBoard,
  status: SessionStatus,
  log: Logger,
): vscode.Disposable[] {
  const ours = (session: vscode.DebugSession | undefined): session is vscode.DebugSession =>
    session?.type === DEBUG_TYPE;
  return [
    vscode.debug.onDidStartDebugSession((session) => {
      if (!ours(session)) return;
      board.begin(session.id, session.name, rootOf(session));
      status.sessionStarted();
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      if (ours(session)) status.sessionEnded();
    }),
    vscode.debug.onDidChangeActiveDebugSession((session) => {
      if (ours(session)) board.focus(session.id);
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((event) => {
      if (!ours(event.session)) return;
      const parsed = parseCustomEvent(event.event, event.body);
      if (!parsed) return;
      if (!parsed.ok) {
        log.warn(`ignored ${event.event} from "${event.session.name}": ${parsed.error}`);
        return;
      }
      log.debug(`${event.event} from "${event.session.name}"`);
      board.apply(event.session.id, parsed.value, event.session.name, rootOf(event.session));
    }),
  ];
}

/** A fake EditorApi that records what the modules ask of the editor. */

import type * as vscode from 'vscode';
import type { BreakpointPlace, EditorApi } from '../../src/common/vscodeapi';
import type { Logger } from '../../src/common/log';

export interface FakeBreakpoint {
  place: BreakpointPlace;
  location: { uri: { toString(): string }; range: { start: { line: number } } };
}

export class FakeEditor implements EditorApi {
  readonly added: FakeBreakpoint[] = [];
  readonly removed: FakeBreakpoint[] = [];
  readonly existing: FakeBreakpoint[] = [];
  readonly infos: string[] = [];
  readonly errors: string[] = [];
  readonly picks: { label: string }[][] = [];
  extensions = new Map<string, vscode.Extension<unknown>>();
  session: vscode.DebugSession | undefined;
  pickAnswer: (items: { label: string }[]) => unknown = () => undefined;

  getExtension(id: string): vscode.Extension<unknown> | undefined {
    return this.extensions.get(id);
  }
  newSourceBreakpoint(place: BreakpointPlace): vscode.SourceBreakpoint {
    const uri = place.uri.startsWith('file:') ? place.uri : `file://${place.uri}`;
    const fake: FakeBreakpoint = {
      place,
      location: { uri: { toString: () => uri }, range: { start: { line: place.line } } },
    };
    return fake as unknown as vscode.SourceBreakpoint;
  }
  breakpoints(): readonly vscode.Breakpoint[] {
    return this.existing as unknown as vscode.Breakpoint[];
  }
  addBreakpoints(breakpoints: vscode.Breakpoint[]): void {
    this.added.push(...(breakpoints as unknown as FakeBreakpoint[]));
  }
  removeBreakpoints(breakpoints: vscode.Breakpoint[]): void {
    this.removed.push(...(breakpoints as unknown as FakeBreakpoint[]));
  }
  activeDebugSession(): vscode.DebugSession | undefined {
    return this.session;
  }
  showInformationMessage(message: string): Thenable<string | undefined> {
    this.infos.push(message);
    return Promise.resolve(undefined);
  }
  showErrorMessage(message: string): Thenable<string | undefined> {
    this.errors.push(message);
    return Promise.resolve(undefined);
  }
  showQuickPick<T extends vscode.QuickPickItem>(items: T[]): Thenable<T | undefined> {
    this.picks.push(items);
    return Promise.resolve(this.pickAnswer(items) as T | undefined);
  }
  writeClipboard(): Thenable<void> {
    return Promise.resolve();
  }
  executeCommand(): Thenable<unknown> {
    return Promise.resolve(undefined);
  }
}

export class FakeLog implements Logger {
  readonly lines: string[] = [];
  trace(message: string): void {
    this.lines.push(`trace ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string | Error): void {
    this.lines.push(`error ${String(message)}`);
  }
}

/** A debug session that answers custom requests with `answer`. */
export function fakeSession(type: string, answer: (command: string, args: unknown) => Promise<unknown>) {
  const requests: { command: string; args: unknown }[] = [];
  const session = {
    type,
    name: 'fake',
    id: 's1',
    customRequest: (command: string, args: unknown) => {
      requests.push({ command, args });
      return answer(command, args);
    },
  } as unknown as vscode.DebugSession;
  return { session, requests };
}

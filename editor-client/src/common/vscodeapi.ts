/** The part of the VS Code API that the extension's logic modules call, behind one interface, so
 * those modules import only types from `vscode` and unit tests hand them a fake. */

import * as vscode from 'vscode';

/** Where a breakpoint goes, 0-based as in the editor API. */
export interface BreakpointPlace {
  uri: string; // a URI (file:///...) or a file system path
  line: number;
  character: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface EditorApi {
  getExtension(id: string): vscode.Extension<unknown> | undefined;
  newSourceBreakpoint(place: BreakpointPlace): vscode.SourceBreakpoint;
  breakpoints(): readonly vscode.Breakpoint[];
  addBreakpoints(breakpoints: vscode.Breakpoint[]): void;
  removeBreakpoints(breakpoints: vscode.Breakpoint[]): void;
  activeDebugSession(): vscode.DebugSession | undefined;
  showInformationMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(
    items: T[],
    options: vscode.QuickPickOptions,
  ): Thenable<T | undefined>;
  writeClipboard(text: string): Thenable<void>;
  executeCommand(command: string, ...args: unknown[]): Thenable<unknown>;
}

// A Windows path (C:\...) is not a URI even though it starts with "letter:".
const URI_SCHEME = /^[a-zA-Z][\w+.-]+:/;

export function toUri(uriOrPath: string): vscode.Uri {
  return URI_SCHEME.test(uriOrPath) ? vscode.Uri.parse(uriOrPath) : vscode.Uri.file(uriOrPath);
}

export const editorApi: EditorApi = {
  getExtension: (id) => vscode.extensions.getExtension(id),
  newSourceBreakpoint: (place) =>
    new vscode.SourceBreakpoint(
      new vscode.Location(toUri(place.uri), new vscode.Position(place.line, place.character)),
      true,
      place.condition,
      place.hitCondition,
      place.logMessage,
    ),
  breakpoints: () => vscode.debug.breakpoints,
  addBreakpoints: (breakpoints) => vscode.debug.addBreakpoints(breakpoints),
  removeBreakpoints: (breakpoints) => vscode.debug.removeBreakpoints(breakpoints),
  activeDebugSession: () => vscode.debug.activeDebugSession,
  showInformationMessage: (message, ...items) => vscode.window.showInformationMessage(message, ...items),
  showErrorMessage: (message, ...items) => vscode.window.showErrorMessage(message, ...items),
  showQuickPick: (items, options) => vscode.window.showQuickPick(items, options),
  writeClipboard: (text) => vscode.env.clipboard.writeText(text),
  executeCommand: (command, ...args) => vscode.commands.executeCommand(command, ...args),
};

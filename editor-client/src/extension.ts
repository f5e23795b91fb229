/** Smart Debug for VS Code and Cursor: wires the debug type `smart-debug` (configurations and the
 * `python -m dap_proxy` adapter), the language client, the Hypotheses view, the status bar item
 * and the commands. Each piece lives in its own module; this file only connects them. */

import * as vscode from 'vscode';
import { DEBUG_TYPE, HYPOTHESES_VIEW_ID, OUTPUT_CHANNEL_NAME } from './common/constants';
import { type Interpreter, resolveInterpreter } from './common/python';
import { readSettings } from './common/settings';
import { editorApi } from './common/vscodeapi';
import { pickProcess } from './debug/processes';
import { AdapterFactory, ConfigurationProvider } from './debug/provider';
import { followSessions } from './debug/sessions';
import { HypothesisBoard } from './hypotheses/board';
import { addSuggestionBreakpoint, defaultTestCommand, localize, testHypothesis } from './hypotheses/commands';
import { HypothesesTree, type Node, SessionStatus } from './hypotheses/view';
import { LanguageServer } from './lsp/client';

let languageServer: LanguageServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const board = new HypothesisBoard();
  const status = new SessionStatus(board);

  const interpreterFor = (folder: vscode.WorkspaceFolder | undefined): Promise<Interpreter> =>
    resolveInterpreter(
      editorApi,
      readSettings(folder?.uri).values.python,
      folder?.uri.fsPath,
      folder?.uri,
      log,
    );
  const firstFolder = (): vscode.WorkspaceFolder | undefined => vscode.workspace.workspaceFolders?.[0];

  languageServer = new LanguageServer(editorApi, log, board, () => interpreterFor(firstFolder()));
  const startLanguageServer = (document: vscode.TextDocument): void => languageServer?.onDocument(document);
  vscode.workspace.textDocuments.forEach(startLanguageServer);

  context.subscriptions.push(
    log,
    status,
    vscode.workspace.onDidOpenTextDocument(startLanguageServer),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      new ConfigurationProvider(editorApi, log, interpreterFor, currentFileConfiguration(context)),
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(log, interpreterFor)),
    ...followSessions(board, status, log),
    vscode.window.createTreeView(HYPOTHESES_VIEW_ID, {
      treeDataProvider: new HypothesesTree(board),
      showCollapseAll: true,
    }),
    vscode.commands.registerCommand('smartDebug.pickProcess', () => pickProcess(editorApi)),
    vscode.commands.registerCommand('smartDebug.testHypothesis', (node?: Node) =>
      testHypothesis(editorApi, board, log, node?.kind === 'hypothesis' ? node.hypothesis.id : undefined),
    ),
    vscode.commands.registerCommand('smartDebug.addBreakpoint', (node?: Node) => {
      if (node?.kind === 'suggestion') addSuggestionBreakpoint(editorApi, node.suggestion, node.root);
    }),
    vscode.commands.registerCommand('smartDebug.clearHypotheses', () => board.clear()),
    vscode.commands.registerCommand('smartDebug.showLog', () => log.show()),
    vscode.commands.registerCommand('smartDebug.runLocalize', () =>
      runLocalize(board, log, interpreterFor, firstFolder()),
    ),
  );
  log.info(`Smart Debug ${context.extension.packageJSON.version as string} activated`);
}

/** package.json's initial configuration: what F5 runs when there is no launch.json. */
function currentFileConfiguration(context: vscode.ExtensionContext): vscode.DebugConfiguration {
  const manifest = context.extension.packageJSON as {
    contributes: { debuggers: { initialConfigurations: vscode.DebugConfiguration[] }[] };
  };
  return manifest.contributes.debuggers[0].initialConfigurations[0];
}

async function runLocalize(
  board: HypothesisBoard,
  log: vscode.LogOutputChannel,
  interpreterFor: (folder: vscode.WorkspaceFolder | undefined) => Promise<Interpreter>,
  folder: vscode.WorkspaceFolder | undefined,
): Promise<void> {
  if (!folder) {
    void vscode.window.showInformationMessage(
      'Smart Debug: open a folder with failing tests to localize them.',
    );
    return;
  }
  const interpreter = await interpreterFor(folder);
  const testCommand = await vscode.window.showInputBox({
    prompt: `The test command whose failures to localize (runs in ${folder.name})`,
    value: readSettings(folder.uri).values.testCommand || defaultTestCommand(interpreter),
  });
  if (!testCommand) return;
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Smart Debug: localizing \`${testCommand}\``,
      cancellable: true,
    },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      if (await localize(editorApi, board, log, interpreter, folder.uri.fsPath, testCommand, abort.signal)) {
        await vscode.commands.executeCommand(`${HYPOTHESES_VIEW_ID}.focus`);
      }
    },
  );
}

export async function deactivate(): Promise<void> {
  await languageServer?.dispose();
}

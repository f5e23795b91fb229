/** The language client for `smart-debug lsp`, started on the first Python, JavaScript or
 * TypeScript document, and started again when a setting it reads changes (the server reads its
 * options once, at `initialize`). It fails soft: when the interpreter's smart-debug has no `lsp`,
 * or the server dies, the log says so and the rest of the extension works without lenses.
 *
 * The server sends no notification of its own: the Hypotheses view is fed by the debug sessions'
 * custom events and by localize, and the server's hypotheses show as its lenses. */

import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  MessageType,
  RevealOutputChannelOn,
  type ServerOptions,
  ShowMessageNotification,
  type ShowMessageParams,
} from 'vscode-languageclient/node';
import { LSP_ARGS, LSP_LANGUAGES } from '../common/constants';
import { run, tail } from '../common/process';
import { type Interpreter, checkSmartDebug, describeInterpreter } from '../common/python';
import { KEYS } from '../common/settings';
import { type EditorApi, readSettings } from '../common/vscodeapi';
import { onServerCommand } from './commands';
import { OPTION_FIELDS, inSettingNames, initializationOptions } from './options';

// `lsp --help` answers quickly when the subcommand exists; argparse exits 2 when it does not.
const PROBE_TIMEOUT_MS = 20_000;
// Restarts after the server exits unexpectedly, before the client gives up for this window.
const MAX_RESTARTS = 2;
// Settings whose change means a new server: the interpreter, and every option it was started with.
const SERVER_SETTINGS = ['python', ...OPTION_FIELDS.map((field) => KEYS[field])].map(
  (key) => `smartDebug.${key}`,
);

export class LanguageServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private restarts = 0;
  private changing: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: EditorApi,
    private readonly log: vscode.LogOutputChannel,
    private readonly interpreter: () => Promise<Interpreter>,
    private readonly folder: () => vscode.WorkspaceFolder | undefined,
  ) {}

  /** Starts the server if `document` is the first of a language it serves. */
  onDocument(document: vscode.TextDocument): void {
    if (!this.starting && LSP_LANGUAGES.includes(document.languageId) && document.uri.scheme === 'file') {
      this.starting = this.start().catch((error) => this.log.error(`language server: ${String(error)}`));
    }
  }

  /** A new server when a setting it was started with changed. */
  onConfiguration(event: vscode.ConfigurationChangeEvent): void {
    if (!SERVER_SETTINGS.some((key) => event.affectsConfiguration(key))) return;
    this.changing = this.changing.then(async () => {
      await this.stop();
      this.log.info('settings changed: starting the language server again');
      this.restarts = 0;
      vscode.workspace.textDocuments.forEach((document) => this.onDocument(document));
    });
  }

  private async start(): Promise<void> {
    const interpreter = await this.interpreter();
    const check = await checkSmartDebug(interpreter, this.folder()?.uri.fsPath);
    if (!check.ok) {
      this.log.warn(`language server not started: ${check.message}`);
      return;
    }
    const probe = await run(interpreter.path, [...LSP_ARGS, '--help'], { timeoutMs: PROBE_TIMEOUT_MS });
    if (probe.code !== 0) {
      this.log.info(
        `language server not started: smart-debug ${check.version} in ${describeInterpreter(interpreter)} ` +
          `has no \`lsp\` command (${tail(probe.stderr, 1) || `exit ${probe.code}`}); code lenses are off`,
      );
      return;
    }
    const server: ServerOptions = { command: interpreter.path, args: LSP_ARGS };
    const client = new LanguageClient('smartDebug', 'Smart Debug', server, this.options());
    // Replaces the client's own handler: the server's words about its options, in the settings' names.
    client.onNotification(ShowMessageNotification.type, (params: ShowMessageParams) => this.show(params));
    this.client = client;
    await client.start();
    this.log.info(`language server started: ${interpreter.path} ${LSP_ARGS.join(' ')}`);
  }

  private show(params: ShowMessageParams): void {
    const message = inSettingNames(params.message);
    if (params.type === MessageType.Error) void this.api.showErrorMessage(message);
    else if (params.type === MessageType.Warning) void this.api.showWarningMessage(message);
    else void this.api.showInformationMessage(message);
  }

  private options(): LanguageClientOptions {
    const folder = this.folder();
    const built = initializationOptions(readSettings(folder?.uri), folder?.uri.fsPath);
    for (const problem of built.problems) {
      this.log.warn(problem);
      void this.api.showWarningMessage(problem);
    }
    return {
      documentSelector: LSP_LANGUAGES.map((language) => ({ scheme: 'file', language })),
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: built.options,
      initializationFailedHandler: (error) => {
        this.log.error(`language server failed to initialize: ${String(error)}`);
        return false;
      },
      errorHandler: {
        error: (error) => {
          this.log.error(`language server connection: ${error.message}`);
          return { action: ErrorAction.Continue, handled: true };
        },
        closed: () => {
          this.restarts += 1;
          const restart = this.restarts <= MAX_RESTARTS;
          this.log.warn(
            `language server exited; ${restart ? 'restarting it' : 'code lenses are off until the window reloads'}`,
          );
          return { action: restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        executeCommand: (command, args, next) => onServerCommand(this.api, this.log, command, args, next),
      },
    };
  }

  private async stop(): Promise<void> {
    await this.starting;
    this.starting = undefined;
    const client = this.client;
    this.client = undefined;
    try {
      await client?.stop();
    } catch (error) {
      this.log.warn(`language server did not stop cleanly: ${String(error)}`);
    }
  }

  async dispose(): Promise<void> {
    await this.changing;
    await this.stop();
  }
}

/** The language client for `smart-debug lsp`, started on the first Python, JavaScript or
 * TypeScript document. It fails soft: when the interpreter's smart-debug has no `lsp` yet, or the
 * server dies, the log says so and the rest of the extension works without lenses. */

import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  LSP_ACCEPT_COMMAND,
  LSP_ARGS,
  LSP_HYPOTHESES_NOTIFICATION,
  LSP_LANGUAGES,
} from '../common/constants';
import { run, tail } from '../common/process';
import { type Interpreter, checkSmartDebug, describeInterpreter } from '../common/python';
import { readSettings } from '../common/settings';
import type { EditorApi } from '../common/vscodeapi';
import { addAcceptedBreakpoint } from '../debug/breakpoints';
import type { HypothesisBoard } from '../hypotheses/board';
import { parseCustomEvent } from '../hypotheses/events';

// `lsp --help` answers quickly when the subcommand exists; argparse exits 2 when it does not.
const PROBE_TIMEOUT_MS = 20_000;
// Restarts after the server exits unexpectedly, before the client gives up for this window.
const MAX_RESTARTS = 2;

export class LanguageServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private restarts = 0;

  constructor(
    private readonly api: EditorApi,
    private readonly log: vscode.LogOutputChannel,
    private readonly board: HypothesisBoard,
    private readonly interpreter: () => Promise<Interpreter>,
  ) {}

  /** Starts the server if `document` is the first of a language it serves. */
  onDocument(document: vscode.TextDocument): void {
    if (!this.starting && LSP_LANGUAGES.includes(document.languageId) && document.uri.scheme === 'file') {
      this.starting = this.start().catch((error) => this.log.error(`language server: ${String(error)}`));
    }
  }

  private async start(): Promise<void> {
    const interpreter = await this.interpreter();
    const check = await checkSmartDebug(interpreter);
    if (!check.ok) {
      this.log.warn(`language server not started: ${check.message}`);
      return;
    }
    const probe = await run(interpreter.path, [...LSP_ARGS, '--help'], { timeoutMs: PROBE_TIMEOUT_MS });
    if (probe.code !== 0) {
      this.log.info(
        `language server not started: smart-debug ${check.version} in ${describeInterpreter(interpreter)} ` +
          `has no \`lsp\` command yet (${tail(probe.stderr, 1) || `exit ${probe.code}`}); code lenses are off`,
      );
      return;
    }
    const server: ServerOptions = { command: interpreter.path, args: LSP_ARGS };
    const client = new LanguageClient('smartDebug', 'Smart Debug', server, this.options());
    client.onNotification(LSP_HYPOTHESES_NOTIFICATION, (body: unknown) => {
      const parsed = parseCustomEvent(LSP_HYPOTHESES_NOTIFICATION, body);
      if (parsed?.ok) this.board.apply('language-server', parsed.value, 'language server');
      else this.log.warn(`ignored ${LSP_HYPOTHESES_NOTIFICATION} from the language server: ${parsed?.error}`);
    });
    this.client = client;
    await client.start();
    this.log.info(`language server started: ${interpreter.path} ${LSP_ARGS.join(' ')}`);
  }

  private options(): LanguageClientOptions {
    const settings = readSettings().values;
    return {
      documentSelector: LSP_LANGUAGES.map((language) => ({ scheme: 'file', language })),
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: { lensKinds: settings.lensKinds, ai: settings.ai, model: settings.model },
      synchronize: { configurationSection: 'smartDebug' },
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
        executeCommand: async (command, args, next) => {
          const result: unknown = await next(command, args);
          if (command === LSP_ACCEPT_COMMAND) addAcceptedBreakpoint(this.api, this.log, result);
          return result;
        },
      },
    };
  }

  async dispose(): Promise<void> {
    await this.starting;
    await this.client?.stop();
  }
}

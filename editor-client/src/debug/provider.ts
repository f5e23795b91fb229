/** The debug type `smart-debug` in the editor: fills and checks launch configurations, and starts
 * `<python> -m dap_proxy` as the debug adapter with the interpreter that has smart-debug. */

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { ADAPTER_ARGS } from '../common/constants';
import type { Logger } from '../common/log';
import {
  type Interpreter,
  checkSmartDebug,
  describeInterpreter,
  pythonExtensionInterpreter,
} from '../common/python';
import { readSettings } from '../common/settings';
import type { EditorApi } from '../common/vscodeapi';
import { configForActiveFile, isEmptyConfig, problemBeforeStart, withSettings } from './configuration';

export type InterpreterFor = (folder: vscode.WorkspaceFolder | undefined) => Promise<Interpreter>;

const OPEN_SETTINGS = 'Open Settings';
const OPEN_LAUNCH_JSON = 'Open launch.json';
const COPY_COMMAND = 'Copy Command';

export class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly api: EditorApi,
    private readonly log: Logger,
    private readonly interpreterFor: InterpreterFor,
    private readonly currentFile: vscode.DebugConfiguration,
  ) {}

  resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (isEmptyConfig(config)) {
      const made = configForActiveFile(vscode.window.activeTextEditor?.document.languageId, this.currentFile);
      if ('error' in made) {
        this.report(made.error, [OPEN_LAUNCH_JSON]);
        return undefined;
      }
      config = made.config;
    }
    return withSettings(config, readSettings(folder?.uri));
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const problem = problemBeforeStart(config, folder?.uri.fsPath, existsSync);
    if (problem) {
      this.report(problem, [OPEN_LAUNCH_JSON]);
      return undefined;
    }
    const interpreter = await this.interpreterFor(folder);
    const check = await checkSmartDebug(interpreter);
    if (!check.ok) {
      this.report(check.message, check.fix ? [COPY_COMMAND, OPEN_SETTINGS] : [OPEN_SETTINGS], check.fix);
      return undefined;
    }
    if (config.request === 'launch' && config.python === undefined && interpreter.source === 'setting') {
      // smart-debug runs under its own interpreter; the program runs under the project's.
      const selected = await pythonExtensionInterpreter(this.api, folder?.uri, this.log);
      if (selected) config = { ...config, python: selected };
    }
    this.log.info(
      `starting "${config.name}" (${config.request}) with ${describeInterpreter(interpreter)}, smart-debug ${check.version}`,
    );
    return config;
  }

  /** An error the user reads; returning undefined after it ends the launch without another popup. */
  private report(message: string, actions: string[], fix?: string): void {
    this.log.error(message);
    void this.api.showErrorMessage(message, ...actions).then(async (choice) => {
      if (choice === COPY_COMMAND && fix) await this.api.writeClipboard(fix);
      if (choice === OPEN_SETTINGS)
        await this.api.executeCommand('workbench.action.openSettings', 'smartDebug');
      if (choice === OPEN_LAUNCH_JSON) await this.api.executeCommand('workbench.action.debug.configure');
    });
  }
}

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly log: Logger,
    private readonly interpreterFor: InterpreterFor,
  ) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const interpreter = await this.interpreterFor(session.workspaceFolder);
    // Known good from resolving the configuration (cached): this only fails when that step was skipped.
    const check = await checkSmartDebug(interpreter);
    if (!check.ok) throw new Error(check.message);
    this.log.info(`debug adapter: ${interpreter.path} ${ADAPTER_ARGS.join(' ')}`);
    return new vscode.DebugAdapterExecutable(interpreter.path, ADAPTER_ARGS, {
      cwd: session.workspaceFolder?.uri.fsPath,
    });
  }
}

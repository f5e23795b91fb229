/** Which interpreter runs smart-debug (the setting smartDebug.python, else the Python extension's
 * selected interpreter, else python3 on PATH), and whether smart-debug is importable there. */

import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { IMPORT_CHECK_ARGS, PYTHON_EXTENSION_ID, installCommand } from './constants';
import type { Logger } from './log';
import { run, tail } from './process';
import type { EditorApi } from './vscodeapi';

export type InterpreterSource = 'setting' | 'python-extension' | 'path';

export interface Interpreter {
  path: string;
  source: InterpreterSource;
}

export type SmartDebugCheck = { ok: true; version: string } | { ok: false; message: string; fix?: string };

const SOURCE_TEXT: Record<InterpreterSource, string> = {
  setting: 'from the setting smartDebug.python',
  'python-extension': "the Python extension's selected interpreter",
  path: 'python3 on PATH',
};

// A cold interpreter start that imports smart-debug, on a loaded machine.
const CHECK_TIMEOUT_MS = 20_000;

// Interpreters known to import smart-debug. Failures are not kept: the user may install it and retry.
const verified = new Map<string, string>();

export function describeInterpreter(interpreter: Interpreter): string {
  return `${interpreter.path} (${SOURCE_TEXT[interpreter.source]})`;
}

/** The setting's value as a path: ${workspaceFolder} and ~ expanded, a relative path taken from
 * the workspace folder; a bare name (python3.12) is left for PATH. */
export function expandSetting(value: string, folder: string | undefined): string {
  let expanded = value.trim();
  if (!expanded) return '';
  if (folder) expanded = expanded.split('${workspaceFolder}').join(folder);
  if (expanded === '~' || expanded.startsWith('~/')) expanded = path.join(os.homedir(), expanded.slice(1));
  if (folder && expanded.includes('/') && !path.isAbsolute(expanded)) {
    expanded = path.join(folder, expanded);
  }
  return expanded;
}

// The slice of the Python extension's API we read (its `environments` API).
interface PythonEnvironments {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
  resolveEnvironment?(
    environment: string,
  ): Thenable<{ executable?: { uri?: { fsPath: string } } } | undefined>;
}

function environmentsOf(exports: unknown): PythonEnvironments | undefined {
  const environments = (exports as { environments?: Partial<PythonEnvironments> } | undefined)?.environments;
  return typeof environments?.getActiveEnvironmentPath === 'function'
    ? (environments as PythonEnvironments)
    : undefined;
}

export async function pythonExtensionInterpreter(
  api: EditorApi,
  resource: vscode.Uri | undefined,
  log: Logger,
): Promise<string | undefined> {
  const extension = api.getExtension(PYTHON_EXTENSION_ID);
  if (!extension) return undefined;
  try {
    const exports = extension.isActive ? extension.exports : await extension.activate();
    const environments = environmentsOf(exports);
    if (!environments) {
      log.warn('the Python extension has no environments API; using python3 on PATH');
      return undefined;
    }
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment?.(active.path);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch (error) {
    log.warn(`could not ask the Python extension for its interpreter: ${String(error)}`);
    return undefined;
  }
}

export async function resolveInterpreter(
  api: EditorApi,
  setting: string,
  folder: string | undefined,
  resource: vscode.Uri | undefined,
  log: Logger,
): Promise<Interpreter> {
  const configured = expandSetting(setting, folder);
  if (configured) return { path: configured, source: 'setting' };
  const selected = await pythonExtensionInterpreter(api, resource, log);
  if (selected) return { path: selected, source: 'python-extension' };
  return { path: 'python3', source: 'path' };
}

export async function checkSmartDebug(interpreter: Interpreter): Promise<SmartDebugCheck> {
  const known = verified.get(interpreter.path);
  if (known !== undefined) return { ok: true, version: known };
  const who = describeInterpreter(interpreter);
  const result = await run(interpreter.path, IMPORT_CHECK_ARGS, { timeoutMs: CHECK_TIMEOUT_MS });
  if (result.spawnError) {
    return {
      ok: false,
      message:
        `Smart Debug: the interpreter ${who} could not be started ` +
        `(${result.spawnError.code ?? result.spawnError.message}). Set "smartDebug.python" ` +
        'to a Python interpreter that has smart-debug installed.',
    };
  }
  if (result.timedOut) {
    return {
      ok: false,
      message: `Smart Debug: ${who} did not answer within ${CHECK_TIMEOUT_MS / 1000} s.`,
    };
  }
  if (result.code !== 0) {
    const fix = installCommand(interpreter.path);
    const reason = tail(result.stderr, 1) || `exit code ${result.code}`;
    return {
      ok: false,
      message: `Smart Debug: smart-debug is not installed for ${who} (${reason}). Install it with: ${fix}`,
      fix,
    };
  }
  const version = result.stdout.trim();
  verified.set(interpreter.path, version);
  return { ok: true, version };
}

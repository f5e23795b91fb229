/** What makes smart-debug importable when the interpreter tried cannot import it. smart-debug is
 * not on PyPI: it is installed from its checkout (`make setup` makes the checkout's .venv), so the
 * fix is an interpreter that has it already, else `pip install` of the checkout. */

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { IMPORT_CHECK_ARGS, shellQuote } from './constants';
import { type RunResult, run } from './process';

// esbuild's `define` (esbuild.mjs) puts the checkout `make vsix` ran in here; unset in unit tests.
declare const SMART_DEBUG_CHECKOUT: string | undefined;

/** The smart-debug checkout this extension was built from, when the bundle knows it. */
export const BUILT_FROM: string | undefined =
  typeof SMART_DEBUG_CHECKOUT === 'string' ? SMART_DEBUG_CHECKOUT : undefined;

// A cold interpreter start that imports smart-debug, on a loaded machine.
export const CHECK_TIMEOUT_MS = 20_000;

/** A sentence saying what to do, with what a button can do for the user: set smartDebug.python
 * to `python`, or copy `command`. */
export interface Fix {
  text: string;
  python?: string;
  command?: string;
}

/** Imports smart-debug in `python`; prints its version when it can. */
export function runImportCheck(python: string): Promise<RunResult> {
  return run(python, IMPORT_CHECK_ARGS, { timeoutMs: CHECK_TIMEOUT_MS });
}

export function venvPython(folder: string): string {
  return process.platform === 'win32'
    ? path.join(folder, '.venv', 'Scripts', 'python.exe')
    : path.join(folder, '.venv', 'bin', 'python');
}

/** The fix for `tried` (an interpreter that could not import smart-debug): the .venv of the
 * checkout or of the workspace folder when it has smart-debug, else installing the checkout into
 * `tried`. */
export async function findFix(
  tried: string,
  checkout: string | undefined,
  folder: string | undefined,
): Promise<Fix> {
  const places: [string, string][] = [];
  if (checkout) places.push([venvPython(checkout), `made by \`make setup\` in ${checkout}`]);
  if (folder) places.push([venvPython(folder), "the workspace folder's .venv"]);
  for (const [python, where] of places) {
    if (python !== tried && existsSync(python) && (await runImportCheck(python)).code === 0) {
      return { text: `${python} has it (${where}): set "smartDebug.python" to it.`, python };
    }
  }
  const python = shellQuote(tried);
  if (checkout && existsSync(path.join(checkout, 'pyproject.toml'))) {
    const command = `${python} -m pip install ${shellQuote(checkout)}`;
    return { text: `Install it from its checkout with: ${command}`, command };
  }
  return {
    text:
      `Install it from a clone of smart-debug with: ${python} -m pip install <the clone's folder>, ` +
      'or set "smartDebug.python" to an interpreter that has it.',
  };
}
